using Dashboard.Ingest;
using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

public sealed class RunPageStateTests
{
    private const long Minute = 60_000_000;

    [Fact]
    public void Bins_FourValues_Round125EdgesAndEveryValueCounted()
    {
        var h = new ValueHistogram();
        foreach (var v in new[] { 0.552, 0.903, 1.7, 4.2 })
        {
            h.Add(v);
        }

        var linear = h.Bins(logarithmic: false);
        var log = h.Bins(logarithmic: true);

        linear.Sum(b => b.Count).Should().Be(4);
        linear[0].Lo.Should().Be(0.5);
        (linear[1].Hi - linear[1].Lo).Should().BeApproximately(0.1, 1e-9, "a round 1-2-5 width near (max - min) / 20");
        log.Select(b => b.Lo).Should().Equal(0.5, 1, 2);
        log.Select(b => b.Count).Should().Equal(2, 1, 1);
    }

    [Fact]
    public void AddEvent_GenerationWithoutTotal_DerivesItAndKeepsJudgeTokensApart()
    {
        var state = new RunPageState(0, 10 * Minute, Minute);
        var generation = new ExpandedEvent { Id = null, Timestamp = Minute + 5, Type = "generation" };
        generation.Points.Add(new MetricPoint(MetricNames.SuccessRate, Minute + 5, 0, null, null));
        generation.Points.Add(new MetricPoint(MetricNames.GenerationTime, Minute + 5, 1.5, null, null));
        generation.Points.Add(new MetricPoint(MetricNames.PromptTokens, Minute + 5, 100, "m", null));
        generation.Points.Add(new MetricPoint(MetricNames.CompletionTokens, Minute + 5, 20, "m", null));
        var judge = new ExpandedEvent { Id = null, Timestamp = 2 * Minute, Type = "evaluation" };
        judge.Points.Add(new MetricPoint(MetricNames.EvaluationTime, 2 * Minute, 0.4, null, null));
        judge.Points.Add(new MetricPoint(MetricNames.PromptTokens, 2 * Minute, 50, "judge", null));
        judge.Points.Add(new MetricPoint("evaluation_score_coherence", 2 * Minute, 4, null, null));

        state.AddEvent(generation);
        state.AddEvent(judge);

        state.Generations.Should().Be(1);
        state.Failures.Should().Be(1);
        state.GenerationTokens["m"].Total.Should().Be(120);
        state.DerivedTotals.Should().Be(1);
        state.JudgeTokens["judge"].Total.Should().Be(50);
        state.DerivedJudgeTotals.Should().Be(1);
        state.Buckets[Minute].Failures.Should().Be(1);
        state.Buckets[Minute].Latency.Quantile(0.5)!.Value.Should().BeApproximately(1.5, 0.015);
        state.Buckets[2 * Minute].Scores["coherence"].Should().Be((4d, 1L));
    }

    [Fact]
    public void Clone_OriginalFoldsOn_CopyKeepsEverythingItHad()
    {
        var state = new RunPageState(0, 10 * Minute, Minute);
        var e = new ExpandedEvent { Id = null, Timestamp = Minute + 5, Type = "generation" };
        e.Points.Add(new MetricPoint(MetricNames.SuccessRate, Minute + 5, 0, null, null));
        e.Points.Add(new MetricPoint(MetricNames.GenerationTime, Minute + 5, 2, null, null));
        e.Points.Add(new MetricPoint("model_usage:m", Minute + 5, 1, null, null));
        e.Points.Add(new MetricPoint("evaluation_score_coherence", Minute + 5, 4, null, null));
        e.Points.Add(new MetricPoint(MetricNames.TotalTokens, Minute + 5, 30, "m", null));
        state.AddEvent(e);

        var copy = state.Clone();
        state.AddEvent(e);

        copy.Generations.Should().Be(1);
        copy.Failures.Should().Be(1);
        copy.GenerationTime.Count.Should().Be(1);
        copy.GenerationTime.IsIntegral.Should().BeTrue("the whole-number flag is copied, not guessed from the sketch");
        copy.ModelUsage["m"].Should().Be(1);
        copy.GenerationTokens["m"].Total.Should().Be(30);
        copy.Buckets[Minute].Generations.Should().Be(1);
        copy.Buckets[Minute].Latency.Count.Should().Be(1);
        copy.Buckets[Minute].Scores["coherence"].Should().Be((4d, 1L));
        copy.Buckets[Minute].TokensByModel["m"].Should().Be(30);
        copy.Scores.Should().Equal("coherence");
        (copy.FirstTs, copy.LastTs, copy.Width).Should().Be((state.FirstTs, state.LastTs, state.Width));
        state.Generations.Should().Be(2);
        state.Buckets[Minute].Latency.Count.Should().Be(2);
    }

    [Fact]
    public void AddPoint_OutsideRange_Ignored()
    {
        var state = new RunPageState(Minute, 2 * Minute, Minute);

        state.AddPoint(MetricNames.SuccessRate, 3 * Minute, 1);

        state.Generations.Should().Be(0);
        state.Buckets.Should().BeEmpty();
    }
}
