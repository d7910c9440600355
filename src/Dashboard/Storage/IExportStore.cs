namespace Dashboard.Storage;

/// <summary>One metric the run stored: its point count and how many of those carry a model name (kept by the writer).</summary>
public sealed record ExportRunMetric(long Id, string Name, long Count, long ModelPoints);

/// <summary>Per run, metric and metadata key: how many values were numbers and how many other non-null values (kept by the writer).</summary>
public sealed record ExportKeyCount(long MetricId, string Key, long Numeric, long Other);

/// <summary>A metric to read, and whether its metadata is needed (without, SQLite reads from the index alone).</summary>
public readonly record struct ExportSelection(long MetricId, bool WithMetadata);

/// <summary>One stored point as read for an export: <paramref name="metric"/> is the position of its metric in the caller's
/// list, <paramref name="metadata"/> the JSON's UTF-8 bytes (empty for none, valid only during the call), <paramref name="order"/>
/// the storage order (SQLite's rowid, PostgreSQL's seq).</summary>
public delegate void ExportRowHandler(int metric, long timestamp, double value, string? model, ReadOnlySpan<byte> metadata, long order);

/// <summary>Exports read one consistent snapshot: the plan (counts, metadata keys) and the streamed points see the same data while the writer commits.</summary>
public interface IExportStore
{
    IExportSnapshot OpenSnapshot();
}

/// <summary>One export's read transaction. Used by one thread at a time (the plan on the request's, the rows on a reading thread).</summary>
public interface IExportSnapshot : IDisposable
{
    long? GetRunId(string run);

    /// <summary>The run's metrics by name (ordinal).</summary>
    List<ExportRunMetric> GetRunMetrics(long runId);

    List<ExportKeyCount> GetKeyCounts(long runId);

    /// <summary>Points in [from, to] and how many have a model name; the stored counts when the range covers the metric's extent.</summary>
    (long Count, long ModelPoints) CountInRange(long runId, ExportRunMetric metric, long from, long to);

    /// <summary>Whether reading <paramref name="points"/> of the run is cheaper as one scan in storage order than metric by metric.</summary>
    bool PrefersStorageOrder(long points);

    /// <summary>The points metric by metric in list order, each in time order (equal times in storage order, or, in SQLite, as
    /// the covering index gives them: the caller restores storage order inside such a group with <c>order</c>).</summary>
    void ReadByMetric(long runId, IReadOnlyList<ExportSelection> metrics, long from, long to, ExportRowHandler row);

    /// <summary>Every point of the listed metrics (metric id -> position) in storage order.</summary>
    void ReadInStorageOrder(long runId, IReadOnlyDictionary<long, int> metrics, long from, long to, ExportRowHandler row);
}
