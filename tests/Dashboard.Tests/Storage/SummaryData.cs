using Dashboard.Storage;
using Dashboard.Storage.Rollups;

namespace Dashboard.Tests.Storage;

/// <summary>Random prediction and pipeline events, window starts on and around bucket edges, and the comparisons.</summary>
/// <remarks>Also compiled into the integration tests (linked) for the PostgreSQL parity test.</remarks>
internal static class SummaryData
{
    private static readonly string?[] Labels = ["\"cat\"", "\"dog\"", "\"\"", "null", "3", "2.50", "true", "{\"a\": [1, 2]}", "\"caf\\u00e9\"", null];
    private static readonly string?[] Pipelines = ["\"etl\"", "\"train\"", "\"eval\"", "7", "null", null];

    /// <summary>Events over about three hours (gaps, bursts, equal timestamps), each a prediction or a pipeline step.</summary>
    public static IEnumerable<ExpandedEvent> Events(Random random, int n, long start)
    {
        var ts = start - 1_800_000_000;
        for (var i = 0; i < n; i++)
        {
            ts += random.Next(10) switch
            {
                0 => 0,
                1 => random.NextInt64(60_000_000, 600_000_000),
                _ => random.NextInt64(1, 2_000_000),
            };
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
            if (random.Next(3) > 0)
            {
                var label = Labels[random.Next(Labels.Length)];
                var metadata = label is null ? null : $"{{\"label\": {label}, \"x\": 1}}";
                e.Points.Add(new MetricPoint(MetricNames.PredictionConfidence, ts, Math.Round(random.NextDouble(), 2), null, metadata));
                if (random.Next(4) > 0)
                {
                    e.Points.Add(new MetricPoint(MetricNames.PredictionProcessingTime, ts, Math.Exp(random.NextDouble() * 3) - 0.5, null, null));
                }
                if (random.Next(10) == 0)
                {
                    e.Points.Add(new MetricPoint(MetricNames.PredictionError, ts, 1, null, null));
                }
            }
            else
            {
                var pipeline = Pipelines[random.Next(Pipelines.Length)];
                var metadata = pipeline is null ? "{\"stage\": \"s\"}" : $"{{\"pipeline\": {pipeline}}}";
                e.Points.Add(new MetricPoint(MetricNames.PipelineExecutionTime, ts, random.NextDouble() * 100 - 1, null, metadata));
                e.Points.Add(new MetricPoint(MetricNames.PipelineSuccess, ts, random.Next(2), null, metadata));
            }
            yield return e;
        }
    }

    /// <summary>Window starts: open, whole minutes and hours, one microsecond either side of them, anywhere.</summary>
    public static IEnumerable<long> Starts(Random random, long start, int n)
    {
        yield return long.MinValue;
        yield return start;
        for (var i = 0; i < n; i++)
        {
            var width = random.Next(2) == 0 ? RollupLevels.Minute : RollupLevels.Hour;
            var edge = RollupLevels.BucketOf(start + random.NextInt64(-2 * RollupLevels.Hour, 3 * RollupLevels.Hour), width);
            yield return edge + random.Next(3) switch { 0 => 0, 1 => -1, _ => random.NextInt64(1, width) };
        }
    }

    public static void AssertSame(PredictionTotals fast, PredictionTotals raw, bool sketched, string because)
    {
        var (f, r) = (fast.Confidence, raw.Confidence);
        (f.Count, f.Low, f.FirstTs, f.LastTs).Should().Be((r.Count, r.Low, r.FirstTs, r.LastTs), because);
        f.Bands.Should().Equal(r.Bands, because);
        f.Sum.Should().BeApproximately(r.Sum, 1e-9 * Math.Max(1, r.Count), because);
        fast.ByHour.Should().Equal(raw.ByHour, because);
        fast.Labels.Should().BeEquivalentTo(raw.Labels, because);
        (fast.Errors, fast.Slow).Should().Be((raw.Errors, raw.Slow), because);
        var (ft, rt) = (fast.ProcessingTime, raw.ProcessingTime);
        (ft.Count, ft.Min, ft.Max).Should().Be((rt.Count, rt.Min, rt.Max), because);
        if (rt.Count == 0)
        {
            ft.Should().Be(MetricStats.Empty, because);
            return;
        }
        ft.Mean!.Value.Should().BeApproximately(rt.Mean!.Value, 1e-9, because);
        foreach (var (a, b) in new[] { (ft.P50, rt.P50), (ft.P90, rt.P90), (ft.P95, rt.P95), (ft.P99, rt.P99) })
        {
            if (sketched)
            {
                // The sketch's bound (1% relative) around the exact interpolated percentile, plus its gap to neighbours.
                a!.Value.Should().BeInRange(Math.Min(b!.Value * 0.98, b.Value * 1.02) - 1e-9, Math.Max(b.Value * 0.98, b.Value * 1.02) + 1e-9, because);
            }
            else
            {
                a.Should().Be(b, because);
            }
        }
    }

    public static void AssertSame(IReadOnlyList<PipelineAggregate> fast, IReadOnlyList<PipelineAggregate> raw, string because)
    {
        fast.Select(p => p.Pipeline).Should().Equal(raw.Select(p => p.Pipeline), because);
        for (var i = 0; i < raw.Count; i++)
        {
            var (f, r) = (fast[i], raw[i]);
            (f.TimeCount, f.TimeMin, f.TimeMax, f.SuccessCount).Should().Be((r.TimeCount, r.TimeMin, r.TimeMax, r.SuccessCount), because);
            f.TimeSum.Should().BeApproximately(r.TimeSum, 1e-9 * Math.Max(1, Math.Abs(r.TimeSum)), because);
            f.SuccessSum.Should().Be(r.SuccessSum, because);
        }
    }
}
