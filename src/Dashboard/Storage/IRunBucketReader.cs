using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// The run page's first view from rollups: each metric's finite points and the run's token events, summed per bucket of
/// the page (starts at multiples of a width that is a whole number of seconds), from whole rollup rows plus raw points
/// at the range's edges. Cost grows with the number of buckets, not of points.
/// </summary>
public interface IRunBucketReader
{
    /// <summary>Per metric name (only those with points in [from, to]), per bucket start, the bucket's merged cell, all read in one snapshot.</summary>
    RunBuckets Read(long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct = default);

    /// <summary>Finite points of one metric in [from, to] below <paramref name="threshold"/> (asked only where a sketch cannot tell).</summary>
    long CountBelow(long runId, string name, long from, long to, double threshold, CancellationToken ct = default);
}

/// <summary>
/// What <see cref="IRunBucketReader.Read"/> found: cells per metric and bucket start, token cells per (bucket start,
/// model "" when none, judge), and the first and last point time in the range over all the names asked.
/// </summary>
public sealed record RunBuckets(
    IReadOnlyDictionary<string, Dictionary<long, RollupCell>> Metrics,
    IReadOnlyDictionary<(long Bucket, string Model, bool Judge), TokenCell> Tokens,
    (long First, long Last)? Extent);
