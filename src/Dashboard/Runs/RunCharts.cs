using Dashboard.Components.Charts;

namespace Dashboard.Runs;

/// <summary>The run page's charts, cut from its <see cref="RunPageState"/>: C# computes every series, the chart module only draws.</summary>
public static class RunCharts
{
    /// <summary>
    /// The time axis: exactly the chosen range; for "all", the run's own extent framed to its buckets (an imported or
    /// finished run fills the axis instead of sitting at the left edge of an axis that runs on to now; a live run's
    /// extent reaches its newest event).
    /// </summary>
    public static TimeSpanMs Span(RunPageState s, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        if (s.From == long.MinValue && s.To == long.MaxValue && s.FirstTs != long.MaxValue)
        {
            var first = s.FirstTs - Mod(s.FirstTs, s.Width);
            var last = s.LastTs - Mod(s.LastTs, s.Width) + s.Width;
            return new TimeSpanMs(Ms(first - s.Width / 2), Ms(last - s.Width / 2));
        }
        var from = s.From != long.MinValue ? s.From / 1000 : s.FirstTs == long.MaxValue ? nowMs - 3_600_000 : s.FirstTs / 1000;
        var to = s.To != long.MaxValue ? s.To / 1000 : Math.Max(nowMs, s.LastTs == long.MinValue ? nowMs : s.LastTs / 1000);
        return new TimeSpanMs(from, Math.Max(to, from + 1000));
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;

    private static double Ms(long key) => key / 1000d;

    /// <summary>A line over the buckets that hold <paramref name="y"/>'s value, broken across buckets without it.</summary>
    private static List<ChartPoint> Line(RunPageState s, Func<RunBucket, double?> y) => ChartLines.Broken(
        s.Buckets.Select(kv => (kv.Key, Y: y(kv.Value))).Where(b => b.Y is not null).Select(b => new ChartPoint(Ms(b.Key), b.Y)),
        s.Width / 1000d);

    public static ChartSpec Generations(RunPageState s, TimeSpanMs span)
    {
        var b = s.Buckets.Where(kv => kv.Value.Generations > 0).ToList();
        return new ChartSpec(ChartKind.Bar,
        [
            new ChartSeries("Generations", [.. b.Select(kv => new ChartPoint(Ms(kv.Key), kv.Value.Generations - kv.Value.Failures))]),
            new ChartSeries("Failures", [.. b.Select(kv => new ChartPoint(Ms(kv.Key), kv.Value.Failures))]),
            new ChartSeries("Failure share", Line(s, b => b.Generations > 0 ? (double)b.Failures / b.Generations : null), 1, ChartKind.Line),
        ])
        {
            Axes = [new ChartAxis("Generations per bucket", Units.Count, Integer: true), new ChartAxis("Failure share", Units.Share, Min: 0, Max: 1, Opposite: true)],
            Time = span,
            Stacked = true,
        };
    }

    public static ChartSpec Latency(RunPageState s, TimeSpanMs span)
    {
        ChartSeries Quantile(string name, double q) => new(name, Line(s, b => b.Latency.Count > 0 ? b.Latency.Quantile(q) : null));
        return new ChartSpec(ChartKind.Line, [Quantile("p50", 0.5), Quantile("p95", 0.95), Quantile("p99", 0.99)])
        {
            Axes = [new ChartAxis("Generation time", Units.Seconds, Min: 0)],
            Time = span,
        };
    }

    public static ChartSpec Throughput(RunPageState s, TimeSpanMs span)
    {
        var perMinute = 60_000_000d / s.Width;
        return new ChartSpec(ChartKind.Bar,
            // A lone bucket gets the builder's fixed bar width, as every bar chart does (an empty point one bucket
            // earlier, tried before, drew a 3 px line and cost ApexCharts its x axis labels).
            [new ChartSeries("Events per minute", [.. s.Buckets.Where(kv => kv.Value.Events > 0).Select(kv => new ChartPoint(Ms(kv.Key), kv.Value.Events * perMinute))])])
        {
            Axes = [new ChartAxis("Events per minute", Units.PerMinute, Min: 0)],
            Time = span,
        };
    }

    public static ChartSpec Tokens(RunPageState s, TimeSpanMs span)
    {
        var models = s.GenerationTokens.OrderByDescending(m => m.Value.Total).Select(m => m.Key).ToList();
        var buckets = s.Buckets.Where(kv => kv.Value.TokensByModel.Count > 0).ToList();
        return new ChartSpec(ChartKind.Bar,
            [.. models.Select(m => new ChartSeries(m, [.. buckets.Select(kv => new ChartPoint(Ms(kv.Key), kv.Value.TokensByModel.GetValueOrDefault(m)))]))])
        {
            Axes = [new ChartAxis("Tokens per bucket", Units.Tokens, Min: 0)],
            Time = span,
            Stacked = true,
        };
    }

    /// <summary>One small chart per score name: a 1-5 judge scale and a 0-1 score never share an axis.</summary>
    public static IReadOnlyList<(string Score, ChartSpec Spec)> Scores(RunPageState s, TimeSpanMs span) =>
    [
        .. s.Scores.Select(score => (score, new ChartSpec(ChartKind.Line,
            [new ChartSeries(score, Line(s, b => b.Scores.TryGetValue(score, out var m) ? m.Sum / m.Count : null))])
        {
            Axes = [new ChartAxis("Mean score per bucket")],
            Time = span,
            Height = 200,
        })),
    ];

    public static ChartSpec Histogram(ValueHistogram h, string what, string unit, bool logarithmic) =>
        // Whole-number bins carry their inclusive range (3-4 for [3, 5)), so the tooltip names the values counted.
        new(ChartKind.Histogram, [new ChartSeries(what, [.. h.Bins(logarithmic)
            .Select(b => (Bar: b, Range: b.Shown(h.IsIntegral)))
            .Select(x => new ChartPoint(x.Bar.Lo, x.Bar.Count, x.Range.From, x.Range.To))])])
        {
            Axes = [new ChartAxis(what, Units.Count, Integer: true)],
            XUnit = unit,
            Zoomable = false,
            Height = 240,
        };
}
