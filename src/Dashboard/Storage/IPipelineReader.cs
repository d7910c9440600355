namespace Dashboard.Storage;

/// <summary>Per-pipeline sums of pipeline_execution_time and pipeline_success points, across runs or within one.</summary>
public interface IPipelineReader
{
    /// <summary>Most runs the page's run picker lists (the most recently active); any other run is reached by its URL.</summary>
    const int MaxPickerRuns = 200;

    /// <summary>
    /// Aggregates since <paramref name="from"/>, limited to one run id and/or one project when given, sorted by pipeline:
    /// from rollups of whole minutes and hours plus the raw points before the first whole minute (counts, minima and
    /// maxima exact; sums per bucket, equal to point-by-point sums up to floating-point rounding).
    /// </summary>
    IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default);

    /// <summary>The same aggregates from every raw point of the window (what the rollups must equal; slow for long windows).</summary>
    IReadOnlyList<PipelineAggregate> GetRawAggregates(long from, long? runId, string? project, CancellationToken ct = default);

    /// <summary>Runs that have pipeline points, with their project: the <see cref="MaxPickerRuns"/> most recently active, by name.</summary>
    IReadOnlyList<(string Run, string Project)> GetRuns(CancellationToken ct = default);
}
