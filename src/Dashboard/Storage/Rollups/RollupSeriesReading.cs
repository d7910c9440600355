using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary>
/// A series (buckets of a step counted from the range's start) from rollups: each series bucket is split like any range
/// (<see cref="RangePlan"/>), so every rollup row read lies inside one series bucket and raw points are read only in the
/// sub-second slivers around its edges. Pieces of neighbouring buckets that touch are read in one query.
/// </summary>
public static class RollupSeriesReading
{
    /// <summary>Beyond this many series buckets the plan costs more than it saves; the caller reads raw points.</summary>
    public const long MaxBuckets = 20_000;

    /// <summary>True when the rollups can answer: steps of whole seconds over a bounded number of buckets.</summary>
    public static bool Applies(long from, long to, long step) =>
        step >= RollupLevels.Second && from > -(1L << 60) && to < 1L << 60 && to >= from && (to - from) / step < MaxBuckets;

    /// <summary>The series, or null when no rollup row fits inside a series bucket (a step of one second from a start that
    /// is not on a whole second): then one raw GROUP BY beats a query per sliver.</summary>
    public static IReadOnlyList<SeriesBucket>? Read(IRollupSnapshot s, long runId, long metricId, long from, long to, long step)
    {
        var count = (to - from) / step + 1;
        var rollups = new List<RollupPiece>();
        var raw = new List<RawPiece>();
        for (long k = 0; k < count; k++)
        {
            var lo = from + k * step;
            var plan = RangePlan.For(lo, Math.Min(to, lo + step - 1));
            rollups.AddRange(plan.Rollups);
            raw.AddRange(plan.Raw);
        }
        if (rollups.Count == 0)
        {
            return null;
        }
        var sums = new (long Count, double Sum, double Min, double Max)[count];
        foreach (var piece in Touching(rollups))
        {
            s.ReadTotals(runId, metricId, piece, (bucket, n, sum, min, max) => Fold(ref sums[(bucket - from) / step], n, sum, min, max));
        }
        var times = new List<long>();
        var values = new List<double>();
        foreach (var piece in TouchingRaw(raw))
        {
            s.ReadPoints(runId, metricId, piece.From, piece.To, times, values);
        }
        for (var i = 0; i < times.Count; i++)
        {
            Fold(ref sums[(times[i] - from) / step], 1, values[i], values[i], values[i]);
        }
        var list = new List<SeriesBucket>();
        for (var k = 0; k < count; k++)
        {
            if (sums[k] is { Count: > 0 } b)
            {
                list.Add(new SeriesBucket(Timestamps.FromMicros(from + k * step), b.Count, b.Sum / b.Count, b.Min, b.Max));
            }
        }
        return list;
    }

    private static void Fold(ref (long Count, double Sum, double Min, double Max) into, long count, double sum, double min, double max) =>
        into = into.Count == 0 ? (count, sum, min, max) : (into.Count + count, into.Sum + sum, Math.Min(into.Min, min), Math.Max(into.Max, max));

    /// <summary>Pieces of one width that touch (the end of one is the start of the next) joined, so aligned steps cost one query per width.</summary>
    private static IEnumerable<RollupPiece> Touching(List<RollupPiece> pieces)
    {
        foreach (var group in pieces.GroupBy(p => p.Width))
        {
            RollupPiece? open = null;
            foreach (var p in group.OrderBy(p => p.From))
            {
                if (open is { } o && o.To == p.From)
                {
                    open = o with { To = p.To };
                    continue;
                }
                if (open is { } done)
                {
                    yield return done;
                }
                open = p;
            }
            if (open is { } last)
            {
                yield return last;
            }
        }
    }

    private static IEnumerable<RawPiece> TouchingRaw(List<RawPiece> pieces)
    {
        RawPiece? open = null;
        foreach (var p in pieces.OrderBy(p => p.From))
        {
            if (open is { } o && o.To + 1 == p.From)
            {
                open = o with { To = p.To };
                continue;
            }
            if (open is { } done)
            {
                yield return done;
            }
            open = p;
        }
        if (open is { } last)
        {
            yield return last;
        }
    }
}
