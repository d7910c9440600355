namespace Dashboard.Storage;

/// <summary>
/// One run in GET /api/v1/runs. failure_share is failed generations over generations
/// (1 - mean success_rate): the true error rate, unlike the mean of afterimage's error_rate points.
/// </summary>
public sealed record RunSummary(
    string Run, string Project, DateTimeOffset? FirstEvent, DateTimeOffset? LastEvent, DateTimeOffset LastReceivedAt,
    long EventCount, long GenerationCount, double? SuccessRate, double? FailureShare, long TotalTokens, bool Live);

public sealed record LogLineResponse(DateTimeOffset Timestamp, string Level, string Message, string? Data);

/// <summary>One page of runs and how many match in all.</summary>
public sealed record RunsPage(IReadOnlyList<RunSummary> Runs, int Total);
