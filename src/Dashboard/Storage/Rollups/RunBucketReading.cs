using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary><see cref="IRunBucketReader"/> over a provider's snapshots (each provider's reader only says how to open one).</summary>
public class RollupRunBucketReader(Func<IRollupSnapshot> open) : IRunBucketReader
{
    public RunBuckets Read(long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct = default)
    {
        using var s = open();
        return RunBucketReading.Read(s, runId, names, from, to, width, ct);
    }

    public long CountBelow(long runId, string name, long from, long to, double threshold, CancellationToken ct = default)
    {
        using var s = open();
        return s.MetricId(name) is { } metricId ? s.CountBelow(runId, metricId, from, to, threshold) : 0;
    }
}

/// <summary>
/// <see cref="IRunBucketReader"/>'s answer from one snapshot of either provider: rollup rows of the widths dividing the
/// page's bucket width (so each row lies inside one page bucket), raw points only in the sub-second slivers at the
/// range's ends.
/// </summary>
public static class RunBucketReading
{
    public static RunBuckets Read(IRollupSnapshot s, long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct)
    {
        if (width <= 0 || width % RollupLevels.Second != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "Page buckets are whole seconds.");
        }
        var plan = RangePlan.For(from, to, RangePlan.WidthsDividing(width));
        var metrics = new Dictionary<string, Dictionary<long, RollupCell>>(StringComparer.Ordinal);
        long first = long.MaxValue, last = long.MinValue;
        var times = new List<long>();
        var values = new List<double>();
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            if (s.MetricId(name) is not { } metricId || s.Extent(runId, metricId, from, to) is not { } extent)
            {
                continue;
            }
            (first, last) = (Math.Min(first, extent.First), Math.Max(last, extent.Last));
            var cells = metrics[name] = [];
            foreach (var piece in plan.Rollups)
            {
                s.MergeCells(runId, metricId, piece, bucket => CellOf(cells, RollupLevels.BucketOf(bucket, width)));
            }
            foreach (var piece in plan.Raw)
            {
                times.Clear();
                values.Clear();
                s.ReadPoints(runId, metricId, piece.From, piece.To, times, values);
                for (var i = 0; i < times.Count; i++)
                {
                    var magnitude = Math.Abs(values[i]);
                    CellOf(cells, RollupLevels.BucketOf(times[i], width))
                        .Add(values[i], magnitude >= QuantileSketch.MinIndexable ? QuantileSketch.IndexOf(magnitude) : 0);
                }
            }
        }
        var tokens = new Dictionary<(long, string, bool), TokenCell>();
        foreach (var piece in plan.Rollups)
        {
            s.ReadTokenCells(runId, piece, (bucket, model, judge, row) =>
            {
                if (row.Events == 0)
                {
                    // Every event folded here was taken back (its parts made it a judge's, or another model's): nothing to show.
                    return;
                }
                var key = (RollupLevels.BucketOf(bucket, width), model, judge);
                if (tokens.TryGetValue(key, out var cell))
                {
                    cell.Merge(row);
                }
                else
                {
                    tokens[key] = row;
                }
            });
        }
        foreach (var piece in plan.Raw)
        {
            AddRawTokens(s, runId, piece, width, tokens);
        }
        return new RunBuckets(metrics, tokens, first == long.MaxValue ? null : (first, last));
    }

    private static RollupCell CellOf(Dictionary<long, RollupCell> cells, long start)
    {
        if (!cells.TryGetValue(start, out var cell))
        {
            cells[start] = cell = new RollupCell();
        }
        return cell;
    }

    /// <summary>
    /// Token points in a raw sliver regrouped into events by (time, model), as the writer folds them
    /// (<see cref="TokenTimeState"/>): an event is a judge's when its time has an evaluation time and no generation time.
    /// </summary>
    private static void AddRawTokens(IRollupSnapshot s, long runId, RawPiece piece, long width, Dictionary<(long, string, bool), TokenCell> tokens)
    {
        var events = new Dictionary<(long Ts, string Model), double?[]>();
        var generations = new HashSet<long>();
        var evaluations = new HashSet<long>();
        s.ReadTokenPoints(runId, piece, (ts, model, name, value) =>
        {
            var slot = name switch
            {
                MetricNames.PromptTokens => 0,
                MetricNames.CompletionTokens => 1,
                MetricNames.TotalTokens => 2,
                MetricNames.GenerationTime => 3,
                _ => 4,
            };
            if (slot >= 3)
            {
                (slot == 3 ? generations : evaluations).Add(ts);
                return;
            }
            if (!events.TryGetValue((ts, model), out var counts))
            {
                events[(ts, model)] = counts = new double?[3];
            }
            // The largest of a repeated count, as the writer's TokenTimeState keeps it.
            counts[slot] = counts[slot] is { } old ? Math.Max(old, value) : value;
        });
        foreach (var ((ts, model), t) in events)
        {
            var key = (RollupLevels.BucketOf(ts, width), model, evaluations.Contains(ts) && !generations.Contains(ts));
            if (!tokens.TryGetValue(key, out var cell))
            {
                tokens[key] = cell = new TokenCell();
            }
            cell.AddEvent(t[0], t[1], t[2]);
        }
    }
}
