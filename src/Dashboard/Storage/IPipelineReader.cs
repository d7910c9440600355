namespace Dashboard.Storage;

/// <summary>Per-pipeline sums of pipeline_execution_time and pipeline_success points, across runs or within one.</summary>
public interface IPipelineReader
{
    /// <summary>Most runs the page's run picker lists (the most recently active); any other run is reached by its URL.</summary>
    const int MaxPickerRuns = 200;

    /// <summary>Aggregates since <paramref name="from"/>, limited to one run id and/or one project when given.</summary>
    IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default);

    /// <summary>Runs that have pipeline points, with their project: the <see cref="MaxPickerRuns"/> most recently active, by name.</summary>
    IReadOnlyList<(string Run, string Project)> GetRuns(CancellationToken ct = default);
}
