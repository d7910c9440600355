namespace Dashboard.Live;

/// <summary>
/// What the hub pushes to browsers. Every message describes data already committed.
/// Groups: <c>run:{name}</c> for one run's page, <c>overview</c> for the runs list.
/// </summary>
public interface IMetricsClient
{
    /// <summary>New points of one run since the last push, aggregated per metric.</summary>
    Task MetricsAppended(MetricsAppendedMessage message);

    /// <summary>New log lines of one run.</summary>
    Task LogsAppended(LogsAppendedMessage message);

    /// <summary>Runs that changed since the last push (sent to the overview group).</summary>
    Task RunsChanged(RunsChangedMessage message);

    /// <summary>An alert started firing, or changed state (pending, firing, resolved).</summary>
    Task AlertChanged(AlertChangedMessage message);
}

/// <summary>Per-metric aggregate of the new points: count, sum, min, max, and the latest value and time.</summary>
public sealed record MetricUpdate(string Name, long Count, double Sum, double Min, double Max, double Last, DateTimeOffset LastTimestamp);

public sealed record MetricsAppendedMessage(string Run, int Events, IReadOnlyList<MetricUpdate> Metrics);

public sealed record LogLine(DateTimeOffset Timestamp, string Level, string Message, string? Data);

public sealed record LogsAppendedMessage(string Run, IReadOnlyList<LogLine> Logs);

/// <summary>One changed run: what it gained since the last push.</summary>
public sealed record RunChange(string Run, string Project, bool Created, int Events, long Generations, double Successes, double Tokens, DateTimeOffset LastReceivedAt);

public sealed record RunsChangedMessage(IReadOnlyList<RunChange> Runs);

/// <summary>
/// The alert's fields as GET /api/v1/alerts gives them. Silenced: an active silence (SilenceId) matches it, so it
/// shows marked and notifies nobody; Acknowledged*: someone took it (issue 16).
/// </summary>
public sealed record AlertChangedMessage(
    long Id, string Rule, string? Run, string Severity, string State, string Message,
    double? Value, double? Threshold, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt,
    bool Silenced = false, long? SilenceId = null,
    DateTimeOffset? AcknowledgedAt = null, string? AcknowledgedBy = null, string? AckComment = null);
