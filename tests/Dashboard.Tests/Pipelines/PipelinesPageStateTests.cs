using Dashboard.Pipelines;
using Dashboard.Storage;

namespace Dashboard.Tests.Pipelines;

public sealed class PipelinesPageStateTests
{
    private const long Minute = 60_000_000;
    private const long T0 = 1_800_000_000_000_000;

    private sealed record Execution(long Ts, string Run, string Pipeline, double Seconds, bool Ok)
    {
        public string Metadata => $$"""{"pipeline":"{{Pipeline}}","attempt":{{Ts % 7}}}""";
    }

    private static List<Execution> Executions(int n) =>
        [.. Enumerable.Range(0, n).Select(i => new Execution(T0 + i * Minute, i % 3 == 0 ? "etl-a" : "etl-b",
            i % 2 == 0 ? "ingest" : "embed", 1 + i % 5 * 0.5, i % 4 != 3))];

    private static ExpandedEvent Event(Execution x)
    {
        var e = new ExpandedEvent { Id = null, Timestamp = x.Ts, Type = "pipeline_execution" };
        e.Points.Add(new MetricPoint(MetricNames.PipelineExecutionTime, x.Ts, x.Seconds, null, x.Metadata));
        e.Points.Add(new MetricPoint(MetricNames.PipelineSuccess, x.Ts, x.Ok ? 1 : 0, null, x.Metadata));
        return e;
    }

    // What storage answers for these executions (the SQL readers' definitions), to load a state from.
    private static IEnumerable<PipelineAggregate> Aggregates(IEnumerable<Execution> xs) => xs.GroupBy(x => x.Pipeline).Select(g =>
        new PipelineAggregate(g.Key, g.Count(), g.Sum(x => x.Seconds), g.Min(x => x.Seconds), g.Max(x => x.Seconds), g.Count(), g.Count(x => x.Ok)));

    private static IEnumerable<PipelineLatest> Latest(IEnumerable<Execution> xs) => xs.GroupBy(x => x.Pipeline).Select(g =>
        g.MaxBy(x => x.Ts)!).Select(x => new PipelineLatest(x.Pipeline, x.Ok, x.Ts, x.Run, 9.5, 3));

    private static IEnumerable<PipelineFailure> Failures(IEnumerable<Execution> xs, int limit) =>
        xs.Where(x => !x.Ok).OrderByDescending(x => x.Ts).Take(limit).Select(x => new PipelineFailure(x.Ts, x.Run, x.Pipeline, x.Seconds, x.Metadata));

    private static IEnumerable<ExecutionBucket> Timeline(IEnumerable<Execution> xs, long from, long step) =>
        xs.GroupBy(x => (x.Ts - from) / step).Select(g => new ExecutionBucket(from + g.Key * step, g.Count(x => x.Ok), g.Count(x => !x.Ok)));

    private static PipelinesPageState Load(IReadOnlyList<Execution> xs, int failureLimit = 5, long windowStart = long.MinValue) =>
        new(windowStart, T0, 5 * Minute, Aggregates(xs), Latest(xs), Failures(xs, failureLimit), failureLimit, Timeline(xs, T0, 5 * Minute));

    [Fact]
    public void AddEvent_ExecutionsAfterTheFirstView_SameTablesAsAFreshRead()
    {
        var all = Executions(40);
        var state = Load(all.Take(25).ToList());

        foreach (var x in all.Skip(25))
        {
            state.AddEvent(x.Run, Event(x)).Should().BeTrue();
        }

        var fresh = Load(all);
        state.Health().Should().BeEquivalentTo(fresh.Health(), o => o.WithStrictOrdering());
        state.Latest.Values.Select(l => (l.Pipeline, l.LastSucceeded, l.LastTs, l.LastRun))
            .Should().BeEquivalentTo(fresh.Latest.Values.Select(l => (l.Pipeline, l.LastSucceeded, l.LastTs, l.LastRun)));
        state.Failures.Should().Equal(fresh.Failures);
        state.Buckets.Should().BeEquivalentTo(fresh.Buckets);
        state.LastTs.Should().Be(all[^1].Ts);
    }

    [Fact]
    public void AddEvent_NewPipeline_AppearsWithItsFailureFirst()
    {
        var state = Load(Executions(30));
        var x = new Execution(T0 + 100 * Minute, "etl-c", "<b>rerank</b>", 7.5, Ok: false);

        state.AddEvent(x.Run, Event(x));

        state.Health().Pipelines.Select(p => p.Pipeline).Should().Contain("<b>rerank</b>");
        state.Health().Pipelines.Single(p => p.Pipeline == "<b>rerank</b>").ErrorRate.Should().Be(1);
        state.Failures[0].Should().Be(new PipelineFailure(x.Ts, "etl-c", "<b>rerank</b>", 7.5, x.Metadata));
        state.Failures.Should().HaveCount(5, "the limit holds");
        state.Latest["<b>rerank</b>"].LastSucceeded.Should().BeFalse();
    }

    [Fact]
    public void AddEvent_BeforeTheWindowOrNotAPipeline_Ignored()
    {
        var xs = Executions(10);
        var state = Load(xs, windowStart: T0 + 5 * Minute);
        var before = state.Health();
        var generation = new ExpandedEvent { Id = null, Timestamp = T0 + 50 * Minute, Type = "generation" };
        generation.Points.Add(new MetricPoint(MetricNames.GenerationTime, T0 + 50 * Minute, 1.2, null, null));

        state.AddEvent("etl-a", Event(new Execution(T0 + Minute, "etl-a", "ingest", 3, false))).Should().BeFalse();
        state.AddEvent("etl-a", generation).Should().BeFalse();

        state.Health().Should().BeEquivalentTo(before);
    }

    [Fact]
    public void SetP95_ReadBeforeANewerFold_KeepsTheNewerLastStatus()
    {
        var xs = Executions(10);
        var state = Load(xs);
        var newer = new Execution(T0 + 60 * Minute, "etl-a", "ingest", 2, Ok: false);
        state.AddEvent(newer.Run, Event(newer));

        state.SetP95([new PipelineLatest("ingest", true, xs[8].Ts, "etl-a", 4.25, 5)]);

        state.Latest["ingest"].Should().Be(new PipelineLatest("ingest", false, newer.Ts, "etl-a", 4.25, 5));
    }
}
