using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>
/// The run page's first view for a range: fills a <see cref="RunPageState"/> from the provider's rollups per page bucket
/// when it has them (<see cref="IRunBucketReader"/>: cost grows with the buckets, not the points), otherwise by reading
/// the run's points once.
/// </summary>
public sealed class RunPageLoader(IMetricReader metrics, IRunPointVisitor points, IRunBucketReader? buckets = null)
{
    public sealed record Loaded(long RunId, IReadOnlyList<MetricSummary> Metrics, RunPageState State);

    public Loaded? Load(string run, RunRange range, DateTimeOffset now, CancellationToken ct = default)
    {
        if (metrics.GetRunId(run, ct) is not { } runId)
        {
            return null;
        }
        var summaries = metrics.GetMetrics(runId, ct);
        var (from, to) = (range.FromMicros, range.ToMicros);
        var nowMicros = Timestamps.ToMicros(now);
        // The buckets' width comes from the span shown: the range, or the run's own extent for "all".
        long first = long.MaxValue, last = long.MinValue;
        if (from == long.MinValue || to == long.MaxValue)
        {
            foreach (var m in summaries)
            {
                if (metrics.GetExtent(runId, m.Name, ct) is { } e)
                {
                    first = Math.Min(first, e.First);
                    last = Math.Max(last, e.Last);
                }
            }
        }
        var spanFrom = from == long.MinValue ? (first == long.MaxValue ? nowMicros : first) : from;
        // "All" is the run's extent (RunCharts.Span); a range ending now runs to now.
        var spanTo = to != long.MaxValue ? to : from == long.MinValue && last != long.MinValue ? last : Math.Max(nowMicros, last);
        var state = new RunPageState(from, to, BucketWidth.For(Math.Max(1, spanTo - spanFrom)));

        if (buckets is not null)
        {
            LoadBuckets(buckets, runId, from, to, summaries, state, ct);
            return new Loaded(runId, summaries, state);
        }
        var tokenNames = new HashSet<string>(MetricNames.TokenCounts, StringComparer.Ordinal);
        foreach (var m in summaries.Where(m => !tokenNames.Contains(m.Name)))
        {
            points.VisitPoints(runId, m.Name, from, to, (ts, v, _) => state.AddPoint(m.Name, ts, v), ct);
        }
        LoadTokens(runId, from, to, summaries, state, ct);
        return new Loaded(runId, summaries, state);
    }

    /// <summary>
    /// The same state from per-bucket cells: counts, sums and sketches merge exactly; failed generations and pipeline
    /// executions (success_rate or pipeline_success below 0.5) come from the sketch's bins, or from the points of a bucket whose sketch bin straddles 0.5.
    /// </summary>
    private static void LoadBuckets(IRunBucketReader reader, long runId, long from, long to, IReadOnlyList<MetricSummary> summaries,
        RunPageState state, CancellationToken ct)
    {
        var names = summaries.Select(m => m.Name).Where(n => !MetricNames.TokenCounts.Contains(n)).ToList();
        var read = reader.Read(runId, names, from, to, state.Width, ct);
        foreach (var (name, cells) in read.Metrics)
        {
            foreach (var (start, cell) in cells)
            {
                var below = name is not (MetricNames.SuccessRate or MetricNames.PipelineSuccess) ? 0
                    : cell.Sketch.CountBelow(0.5) ?? reader.CountBelow(runId, name, Math.Max(from, start), Math.Min(to, start + state.Width - 1), 0.5, ct);
                state.AddBucket(name, start, cell, below);
            }
        }
        if (read.Extent is { } extent)
        {
            state.Cover(extent.First, extent.Last);
        }
        if (summaries.Any(m => MetricNames.TokenCounts.Contains(m.Name)))
        {
            foreach (var ((start, model, judge), cell) in read.Tokens)
            {
                state.AddTokenBucket(start, model, judge, cell);
            }
        }
    }

    /// <summary>
    /// Token points are regrouped into their events by (time, model): that tells which generations lack a total, and
    /// an event whose time carries an evaluation but no generation is a judge's.
    /// </summary>
    private void LoadTokens(long runId, long from, long to, IReadOnlyList<MetricSummary> summaries, RunPageState state, CancellationToken ct)
    {
        if (!summaries.Any(m => MetricNames.TokenCounts.Contains(m.Name)))
        {
            return;
        }
        var events = new Dictionary<(long Ts, string? Model), double?[]>();
        for (var slot = 0; slot < 3; slot++)
        {
            var s = slot;
            points.VisitPoints(runId, MetricNames.TokenCounts[s], from, to, (ts, v, model) =>
            {
                if (!events.TryGetValue((ts, model), out var t))
                {
                    events[(ts, model)] = t = new double?[3];
                }
                t[s] = v;
            }, ct);
        }
        var generations = new HashSet<long>();
        var evaluations = new HashSet<long>();
        points.VisitPoints(runId, MetricNames.GenerationTime, from, to, (ts, _, _) => generations.Add(ts), ct);
        points.VisitPoints(runId, MetricNames.EvaluationTime, from, to, (ts, _, _) => evaluations.Add(ts), ct);
        foreach (var ((ts, model), t) in events)
        {
            state.AddTokens(ts, model, t[0], t[1], t[2], judge: evaluations.Contains(ts) && !generations.Contains(ts));
        }
    }
}
