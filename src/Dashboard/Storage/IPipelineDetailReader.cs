namespace Dashboard.Storage;

/// <summary>
/// What the pipelines page asks beyond the health summary: executions over time, each pipeline's last status and
/// p95 time, and the latest failures with their metadata. Times are Unix microseconds; run and project narrow the scope.
/// </summary>
public interface IPipelineDetailReader
{
    /// <summary>Executions per bucket of <paramref name="stepMicros"/> from <paramref name="from"/>: succeeded and failed counts.</summary>
    IReadOnlyList<ExecutionBucket> GetTimeline(long from, long to, long stepMicros, string? run, string? project, CancellationToken ct = default);

    /// <summary>Per pipeline: the latest execution's status and time, and p95 of execution_time over at most <paramref name="sample"/> latest points.</summary>
    IReadOnlyList<PipelineLatest> GetLatest(long from, string? run, string? project, int sample, CancellationToken ct = default);

    /// <summary>The newest failed executions (pipeline_success = 0), newest first, with their metadata as stored.</summary>
    IReadOnlyList<PipelineFailure> GetFailures(long from, string? run, string? project, int limit, CancellationToken ct = default);
}

public sealed record ExecutionBucket(long T, long Succeeded, long Failed);

public sealed record PipelineLatest(string Pipeline, bool LastSucceeded, long LastTs, string LastRun, double? P95Seconds, int Sampled);

public sealed record PipelineFailure(long Ts, string Run, string Pipeline, double? ExecutionSeconds, string? Metadata);
