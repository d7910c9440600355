namespace Dashboard.Storage;

/// <summary>What the runs list asks of storage: one sorted, filtered page of runs with their per-kind totals, and recent activity.</summary>
public interface IRunListReader
{
    Task<RunListPage> GetRunListAsync(RunListQuery query, DateTimeOffset now, CancellationToken ct);

    /// <summary>Per run, events per minute over the <paramref name="minutes"/> minutes before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyDictionary<string, int[]>> GetActivityAsync(IReadOnlyCollection<string> runs, DateTimeOffset now, int minutes, CancellationToken ct);

    /// <summary>
    /// Per run (runs that do not exist are left out): events timed from the second holding <paramref name="since"/> on,
    /// from the writer's per-second counts, and the latest <paramref name="sample"/> values of <paramref name="metric"/>
    /// (latest time first, equal times latest arrival first). One connection and a few statements for a whole page.
    /// </summary>
    IReadOnlyDictionary<string, RecentFigures> GetRecentFigures(IReadOnlyCollection<string> runs, long since, string metric, int sample, CancellationToken ct);
}

/// <summary>What the overview shows of a run's recent activity (see <see cref="IRunListReader.GetRecentFigures"/>).</summary>
public sealed record RecentFigures(long EventsSince, List<double> LatestValues);

/// <summary>The kinds of events a run holds; a run may hold several.</summary>
[Flags]
public enum RunKinds
{
    None = 0,
    Generations = 1,
    Evaluations = 2,
    Predictions = 4,
    Pipelines = 8,
}

public enum RunListSort
{
    LastActivity,
    Name,
    Project,
    Started,
    Duration,
    Events,
    Generations,
    SuccessRate,
    Tokens,
    Evaluations,
    Predictions,
    Confidence,
    PredictionErrorRate,
    Executions,
    ExecutionFailures,
}

/// <summary>
/// A page of the runs list. Search is a case-insensitive substring of the name; Kind keeps runs holding that kind;
/// LiveOnly keeps runs that received an event within <see cref="IRunStore.LiveSpan"/>.
/// </summary>
public sealed record RunListQuery(
    string? Project = null, string? Search = null, RunKinds Kind = RunKinds.None, bool LiveOnly = false,
    RunListSort Sort = RunListSort.LastActivity, bool Descending = true, int Offset = 0, int Limit = 25);

/// <summary>
/// One run with the totals its kinds give meaning to. Tokens is total_token_count's sum, or prompt + completion when
/// some generations lack a total (<see cref="TokensDerived"/>).
/// </summary>
public sealed record RunListRow(
    string Run, string Project, bool Live, DateTimeOffset? FirstEvent, DateTimeOffset? LastEvent, DateTimeOffset LastReceivedAt,
    long Events, long Generations, double? SuccessRate, long Tokens, bool TokensDerived, long Evaluations,
    long Predictions, double? MeanConfidence, long PredictionErrors, long Executions, long ExecutionFailures)
{
    public RunKinds Kinds =>
        (Generations > 0 ? RunKinds.Generations : 0)
        | (Evaluations > 0 ? RunKinds.Evaluations : 0)
        | (Predictions + PredictionErrors > 0 ? RunKinds.Predictions : 0)
        | (Executions > 0 ? RunKinds.Pipelines : 0);

    public TimeSpan? Duration => FirstEvent is { } f && LastEvent is { } l ? l - f : null;

    /// <summary>prediction_error events over predictions and errors.</summary>
    public double? PredictionErrorRate => Predictions + PredictionErrors == 0 ? null : (double)PredictionErrors / (Predictions + PredictionErrors);
}

public sealed record RunListPage(IReadOnlyList<RunListRow> Rows, int Total);
