using System.Text;
using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Persistence;

namespace Dashboard.Tests.Live;

public sealed class LiveRelayCodecTests
{
    private const int Budget = 7_900;

    [Fact]
    public void EncodeDecode_SmallBatch_RoundTripsEveryAggregate()
    {
        var run = Pending("run-1", "proj", created: true, events: 3);
        run.Metrics["generation_time"] = MetricDelta.FromParts(2, 4.0, 1.5, 2.5, 2.5, 1_700_000_000_000_001, 2);
        run.Metrics["score"] = MetricDelta.FromParts(1, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 5, 0);
        run.Logs.Add(new LogRecord(42, "warning", "slow \"judge\" ✓", "{\"a\":1}"));

        var bodies = LiveRelayCodec.Encode([run], Budget);
        var decoded = LiveRelayCodec.Decode(bodies.Single()).Runs.Single();

        decoded.FromPeer.Should().BeTrue();
        decoded.Run.Should().Be("run-1");
        decoded.Project.Should().Be("proj");
        decoded.Created.Should().BeTrue();
        decoded.Events.Should().Be(3);
        var g = decoded.Metrics["generation_time"];
        (g.Count, g.Sum, g.Min, g.Max, g.Last, g.LastTimestamp, g.ModelPoints).Should().Be((2L, 4.0, 1.5, 2.5, 2.5, 1_700_000_000_000_001L, 2L));
        decoded.Metrics["score"].Sum.Should().Be(double.PositiveInfinity);
        decoded.Logs.Single().Should().Be(new LogRecord(42, "warning", "slow \"judge\" ✓", "{\"a\":1}"));
    }

    [Fact]
    public void Encode_RunLargerThanOneMessage_SplitsUnderTheLimitAndMergesBack()
    {
        var run = Pending("big", "default", created: true, events: 5_000);
        for (var i = 0; i < 1_000; i++)
        {
            run.Metrics[$"metric_with_a_long_name_{i:D4}_" + new string('x', 150)] = MetricDelta.FromParts(i + 1, i, 0, i, i, i, 0);
        }
        for (var i = 0; i < 50; i++)
        {
            run.Logs.Add(new LogRecord(i, "info", new string('é', 3_000), new string('d', 9_000)));
        }
        var small = Pending("small", "default", created: false, events: 1);
        small.Metrics["m"] = MetricDelta.FromParts(1, 1, 1, 1, 1, 1, 0);

        var bodies = LiveRelayCodec.Encode([run, small], Budget);
        var merged = new LivePublisher();
        foreach (var body in bodies)
        {
            merged.Publish(LiveRelayCodec.Decode(body));
        }
        var runs = merged.TakeAll().ToDictionary(r => r.Run);

        bodies.Should().HaveCountGreaterThan(10);
        bodies.Should().OnlyContain(b => Encoding.UTF8.GetByteCount(b) <= Budget);
        runs["big"].Events.Should().Be(5_000, "the event count travels once, not once per part");
        runs["big"].Created.Should().BeTrue();
        runs["big"].Metrics.Should().HaveCount(1_000);
        runs["big"].Metrics.Values.Sum(m => m.Count).Should().Be(Enumerable.Range(1, 1_000).Sum());
        runs["big"].Logs.Should().HaveCount(50);
        runs["big"].Logs.Should().OnlyContain(l => l.Message.Length == LiveRelayCodec.MaxLogTextChars && l.Message.EndsWith('…'));
        runs["small"].Events.Should().Be(1);
    }

    private static LivePublisher.PendingRun Pending(string name, string project, bool created, int events) =>
        new(name, project) { Created = created, Events = events };
}
