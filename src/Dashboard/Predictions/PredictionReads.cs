using Dashboard.Storage;

namespace Dashboard.Predictions;

/// <summary>The predictions page's storage reads for one run and range, each with the run event count it holds.</summary>
public sealed class PredictionReads(IMetricReader metrics, IPredictionReader predictions)
{
    /// <summary>Timeline reads retried while commits of the run land during them (then the result is marked inexact).</summary>
    private const int TimelineAttempts = 3;

    /// <summary>The range's start: the window's, or everything for "all".</summary>
    public static long FromMicros(TimeWindow window, DateTimeOffset now) => window.StartMicros(now);

    public PredictionTotals ReadTotals(long runId, TimeWindow window, DateTimeOffset now) =>
        predictions.GetTotals(runId, FromMicros(window, now));

    /// <summary>
    /// The time buckets come from series reads that share no snapshot with a run event count, so the count is read before
    /// and after: when they agree, no commit of the run landed in between and the buckets hold exactly the commits up to
    /// it. When commits kept landing, the later count is kept (a commit is never folded twice; one the read missed is
    /// missing from the chart until the next timeline read, which the page schedules).
    /// </summary>
    public (PredictionTimeline Timeline, long Seen, bool Exact) ReadTimeline(long runId, TimeWindow window, DateTimeOffset now)
    {
        PredictionTimeline timeline;
        long before, after;
        var attempt = 0;
        do
        {
            before = predictions.GetRunEvents(runId);
            timeline = BuildTimeline(runId, window, now);
            after = predictions.GetRunEvents(runId);
        }
        while (before != after && ++attempt < TimelineAttempts);
        return (timeline, after, before == after);
    }

    private PredictionTimeline BuildTimeline(long runId, TimeWindow window, DateTimeOffset now)
    {
        var nowMicros = Timestamps.ToMicros(now);
        long from, to;
        if (window.Span is { } span)
        {
            from = nowMicros - (long)span.TotalMicroseconds;
            to = nowMicros;
        }
        else
        {
            var c = metrics.GetExtent(runId, MetricNames.PredictionConfidence);
            var e = metrics.GetExtent(runId, MetricNames.PredictionError);
            from = Math.Min(c?.First ?? nowMicros, e?.First ?? nowMicros);
            to = Math.Max(Math.Max(c?.Last ?? from, e?.Last ?? from), from + 60_000_000);
        }
        var step = ChartStep(to - from);
        var timeline = new PredictionTimeline(from, to, step, sliding: window.Span is not null);
        var confidence = metrics.GetSeries(runId, MetricNames.PredictionConfidence, timeline.FromMicros, to, step);
        var errors = metrics.GetSeries(runId, MetricNames.PredictionError, timeline.FromMicros, to, step);
        timeline.Load(
            confidence.Select(b => (Timestamps.ToMicros(b.T), b.Count, b.Mean)),
            errors.Select(b => (Timestamps.ToMicros(b.T), b.Count)));
        return timeline;
    }

    /// <summary>Bars per chart: a bar stays several pixels wide on a half-width card at 420 px and at 1440 px.</summary>
    public const int ChartBuckets = 40;

    private static readonly long[] Steps = [.. new long[] { 1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400 }
        .Select(s => s * 1_000_000)];

    /// <summary>
    /// The rate chart's bucket: the smallest round step that keeps the range within <see cref="ChartBuckets"/> bars (the
    /// series' default of 300 drew a day as 1-pixel hairlines), at least a second, whole days beyond.
    /// </summary>
    public static long ChartStep(long spanMicros)
    {
        foreach (var step in Steps)
        {
            if (spanMicros / step < ChartBuckets)
            {
                return step;
            }
        }
        var day = Steps[^1];
        return (spanMicros / ChartBuckets / day + 1) * day;
    }
}
