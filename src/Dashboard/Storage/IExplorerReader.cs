namespace Dashboard.Storage;

/// <summary>
/// The metric explorer's reads: one metric over several runs, bucketed in SQL and split by a metadata key, with at
/// most <see cref="ExplorerQuery.MaxGroups"/> groups (the ones with the most points in range).
/// </summary>
public interface IExplorerReader
{
    /// <summary>Buckets of one metric; an unknown metric or no points gives no series.</summary>
    ExplorerResult GetSeries(ExplorerQuery query, CancellationToken ct = default);

    /// <summary>Metadata keys recorded on the runs' points (what a view can be grouped by), sorted, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<string> GetMetadataKeys(IReadOnlyList<long> runIds, int limit, CancellationToken ct = default);
}

/// <summary>How values in one bucket are combined. P95 is the nearest-rank 95th percentile (an actual value).</summary>
public enum ExplorerAggregation
{
    Mean,
    P95,
    Count,
    Sum,
}

/// <summary>
/// One metric over <paramref name="RunIds"/> in [From, To] (Unix µs), buckets of <paramref name="BucketMicros"/>
/// starting at From. <paramref name="GroupBy"/>: null (one series), <see cref="ExplorerGroups.Run"/> (per run),
/// <see cref="ExplorerGroups.Model"/> (the point's model) or any metadata key.
/// </summary>
public sealed record ExplorerQuery(IReadOnlyList<long> RunIds, string Metric, string? GroupBy, ExplorerAggregation Aggregation,
    long From, long To, long BucketMicros, int MaxGroups);

/// <summary>Series per group (Group null: the points without the key, or no grouping); GroupsTotal counts every group in range.</summary>
public sealed record ExplorerResult(IReadOnlyList<ExplorerSeries> Series, int GroupsTotal)
{
    public static readonly ExplorerResult Empty = new([], 0);
}

public sealed record ExplorerSeries(string? Group, long Points, IReadOnlyList<ExplorerBucket> Buckets);

/// <summary>A bucket's start (Unix µs), its aggregated value and how many points it holds.</summary>
public readonly record struct ExplorerBucket(long Start, double Value, long Count);

/// <summary>Group-by choices that are not metadata keys.</summary>
public static class ExplorerGroups
{
    public const string Run = "run";
    public const string Model = "model_name";
}
