namespace Dashboard.Storage;

/// <summary>
/// Reads of one run's metrics: the list of names, raw values, non-finite counts, time extent, bucketed series
/// and token usage. Times are Unix microseconds; ranges are closed [from, to].
/// </summary>
public interface IMetricReader
{
    /// <summary>Most buckets a series may have; <see cref="SeriesStep"/> widens the step to stay under it.</summary>
    const int MaxBuckets = 1000;

    /// <summary>The run's id, or null when no such run exists.</summary>
    long? GetRunId(string run, CancellationToken ct = default);

    /// <summary>Every metric of the run with its running summary, by name.</summary>
    IReadOnlyList<MetricSummary> GetMetrics(long runId, CancellationToken ct = default);

    /// <summary>Raw finite values of one metric in [from, to], in time order (arrival order for equal times).</summary>
    List<double> GetValues(long runId, string name, long from, long to, CancellationToken ct = default);

    /// <summary>
    /// count, mean, min, max and percentiles of one metric's finite values in [from, to]. The default is the raw
    /// computation; a provider with rollups answers from whole buckets plus raw edges (the SQLite provider: its rollup reader's GetStats
    /// says what stays exact).
    /// </summary>
    MetricStats GetFiniteStats(long runId, string name, long from, long to, CancellationToken ct = default) =>
        MetricStats.From(GetValues(runId, name, from, to, ct));

    /// <summary>NaN and infinite points of one metric in [from, to] (kept apart from the finite points).</summary>
    NonFiniteCounts GetNonFinite(long runId, string name, long from, long to, CancellationToken ct = default);

    /// <summary>Time of the metric's first and last point, or null when it has none.</summary>
    (long First, long Last)? GetExtent(long runId, string name, CancellationToken ct = default);

    /// <summary>Points grouped into buckets of <paramref name="stepMicros"/> counted from <paramref name="from"/>; empty buckets left out.</summary>
    IReadOnlyList<SeriesBucket> GetSeries(long runId, string name, long from, long to, long stepMicros, CancellationToken ct = default);

    /// <summary>afterimage's get_total_token_usage since <paramref name="from"/>: int() of each value, summed per model ("unknown" when none).</summary>
    TokenUsageReport GetTokenUsage(long runId, long from, CancellationToken ct = default);
}

public static class MetricReaderExtensions
{
    /// <summary>Stats of the finite values, with the non-finite points folded in by <see cref="MetricStats.With"/>.</summary>
    public static MetricStats GetStats(this IMetricReader reader, long runId, string name, long from, long to, CancellationToken ct = default) =>
        reader.GetFiniteStats(runId, name, from, to, ct).With(reader.GetNonFinite(runId, name, from, to, ct));
}

public sealed record MetricSummary(string Name, long Count, double LastValue, DateTimeOffset LastTimestamp, double Sum, double Min, double Max);

public sealed record SeriesBucket(DateTimeOffset T, long Count, double Mean, double Min, double Max);

public sealed record ModelTokenUsage(string ModelName, long PromptTokens, long CompletionTokens, long TotalTokens);

public sealed record TokenUsageReport(IReadOnlyList<ModelTokenUsage> ByModel, long TotalPromptTokens, long TotalCompletionTokens, long TotalTokens);
