namespace Dashboard.Storage;

/// <summary>
/// Raw point reads for the run page and the runs overview. A page opens one <see cref="IRunPointSession"/> per
/// render so its many small reads share one connection and one consistent view.
/// </summary>
public interface IRunPointReader
{
    /// <summary>A read session over the run, or null when no such run exists.</summary>
    IRunPointSession? Open(string run, CancellationToken ct = default);

    /// <summary>Stored events (with at least one point) timed at or after the start of the second holding <paramref name="since"/>.</summary>
    long CountEventsSince(long runId, long since, CancellationToken ct = default);

    /// <summary>The metric's newest values (by time), at most <paramref name="limit"/>, newest first.</summary>
    List<double> GetLatestValues(long runId, string name, int limit, CancellationToken ct = default);
}

/// <summary>Reads of one run over one connection; dispose it when the page has what it needs.</summary>
public interface IRunPointSession : IDisposable
{
    long RunId { get; }

    string Project { get; }

    /// <summary>Time of the run's newest point, or null when it has none.</summary>
    long? LastTs { get; }

    /// <summary>
    /// Appends the metric's points in [from, to] in time order (arrival order for equal times) to
    /// <paramref name="times"/> and <paramref name="values"/>; <paramref name="perModel"/>, when given, sees each
    /// value with its model name (null when none).
    /// </summary>
    void ReadPoints(string name, long from, long to, List<long> times, List<double> values, Action<string?, double>? perModel = null);

    /// <summary>How many points the metric has in [from, to].</summary>
    long CountPoints(string name, long from, long to);

    /// <summary>The newest points in [from, to] whose metadata holds the top-level key, newest first, at most limit.</summary>
    IReadOnlyList<PointWithMetadata> GetLatestWithMetadataKey(string name, string key, long from, long to, int limit);
}

public sealed record PointWithMetadata(long Timestamp, double Value, string Metadata);
