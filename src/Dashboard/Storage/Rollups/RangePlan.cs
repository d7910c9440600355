namespace Dashboard.Storage.Rollups;

/// <summary>
/// How an inclusive time range [from, to] is read: whole buckets of the coarsest width that fit in its middle, finer
/// widths towards its edges, raw points only in the sub-second slivers at its two ends. The pieces are disjoint and
/// cover the range exactly, so their counts, sums, minima, maxima and sketches merge into the range's own; at most
/// one hour piece, two minute pieces, two second pieces and two raw pieces.
/// </summary>
public sealed record RangePlan(IReadOnlyList<RollupPiece> Rollups, IReadOnlyList<RawPiece> Raw)
{
    /// <summary>Bounds far beyond any stored time (micros since 1970), so open ranges need no overflow checks.</summary>
    private const long Lowest = -(1L << 60), Highest = 1L << 60;

    public static RangePlan For(long from, long to) => For(from, to, RollupLevels.Widths);

    /// <summary>
    /// The plan using only the given widths (coarsest first): a caller grouping the answer into its own buckets passes
    /// the widths that divide its bucket width, so every rollup row read lies inside one of its buckets.
    /// </summary>
    public static RangePlan For(long from, long to, IReadOnlyList<long> widths)
    {
        var rollups = new List<RollupPiece>();
        var raw = new List<RawPiece>();
        Split(Math.Max(from, Lowest), Math.Min(to, Highest), 0, widths, rollups, raw);
        return new RangePlan(rollups, raw);
    }

    /// <summary>The rollup widths that divide <paramref name="bucketWidth"/>, coarsest first (none below a second).</summary>
    public static long[] WidthsDividing(long bucketWidth) => [.. RollupLevels.Widths.Where(w => bucketWidth % w == 0)];

    private static void Split(long lo, long hi, int level, IReadOnlyList<long> widths, List<RollupPiece> rollups, List<RawPiece> raw)
    {
        if (lo > hi)
        {
            return;
        }
        if (level == widths.Count)
        {
            raw.Add(new RawPiece(lo, hi));
            return;
        }
        var width = widths[level];
        var first = -RollupLevels.BucketOf(-lo, width); // lo rounded up to a bucket start
        var end = RollupLevels.BucketOf(hi + 1, width); // one past the last whole bucket
        if (first >= end)
        {
            Split(lo, hi, level + 1, widths, rollups, raw);
            return;
        }
        rollups.Add(new RollupPiece(width, first, end));
        Split(lo, first - 1, level + 1, widths, rollups, raw);
        Split(end, hi, level + 1, widths, rollups, raw);
    }
}

/// <summary>Rollup rows of one width with bucket in [From, To) (To exclusive).</summary>
public readonly record struct RollupPiece(long Width, long From, long To);

/// <summary>Raw points with ts in [From, To] (inclusive).</summary>
public readonly record struct RawPiece(long From, long To);
