namespace Dashboard.Storage;

/// <summary>What the settings page asks of storage: the metric names it offers, and the points a rule preview replays.</summary>
public interface IRulePreviewReader
{
    /// <summary>Every stored metric name, by name (the custom-rule metric picker).</summary>
    Task<IReadOnlyList<string>> GetMetricNamesAsync(CancellationToken ct);

    /// <summary>
    /// Per run (limited to a project or run when <paramref name="scope"/> says so), the points of <paramref name="metric"/>
    /// in [from, to), oldest first; at most <paramref name="maxPoints"/> in all (Truncated says when more existed).
    /// </summary>
    Task<(IReadOnlyList<PreviewSeries> Series, bool Truncated)> GetPreviewSeriesAsync(
        string metric, string scope, string? scopeValue, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken ct);
}

/// <summary>One run's stored points of the rule's metric, oldest first (Unix microseconds).</summary>
public sealed record PreviewSeries(string Run, IReadOnlyList<long> Timestamps, IReadOnlyList<double> Values);
