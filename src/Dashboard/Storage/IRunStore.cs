namespace Dashboard.Storage;

/// <summary>Runs and their counts: the paged runs list, project names and a run's logs.</summary>
public interface IRunStore
{
    /// <summary>A run counts as live when an event arrived within this span.</summary>
    static readonly TimeSpan LiveSpan = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most recently active runs matching project and search (case-insensitive substring of the name), skipping
    /// offset and taking at most limit, with the total count, so a page or response stays bounded however many runs exist.
    /// </summary>
    Task<RunsPage> GetRunsPageAsync(string? project, string? search, int offset, int limit, CancellationToken ct);

    /// <summary>Every project name, for the overview's filter (one short query, not a scan of the runs' summaries).</summary>
    Task<IReadOnlyList<string>> GetProjectsAsync(CancellationToken ct);

    /// <summary>The newest log lines of a run, newest first, optionally of one level.</summary>
    Task<IReadOnlyList<LogLineResponse>> GetLogsAsync(long runId, string? level, int limit, CancellationToken ct);
}
