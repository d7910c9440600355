using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>The runs overview: the runs list's summary plus event rate and p95 generation time, computed on the server.</summary>
public sealed class RunsOverviewBuilder(IRunStore runs, IRunListReader recent, TimeProvider time)
{
    /// <summary>p95 is taken over this many latest generations, so the overview stays cheap for huge runs.</summary>
    public const int P95Sample = 1000;

    public static readonly TimeSpan RateSpan = TimeSpan.FromMinutes(1);

    /// <summary>One bounded page of the overview (see IRunStore.GetRunsPageAsync) and how many runs match in all.</summary>
    public async Task<OverviewPage> GetPageAsync(string? project, string? search, int offset, int limit, CancellationToken ct)
    {
        var page = await runs.GetRunsPageAsync(project, search, offset, limit, ct);
        return new OverviewPage(Rows(page.Runs, ct), page.Total);
    }

    private List<OverviewRow> Rows(IReadOnlyList<RunSummary> summaries, CancellationToken ct)
    {
        var since = Timestamps.ToMicros(time.GetUtcNow() - RateSpan);
        // The whole page's rates and samples in one go (one connection, a statement per run at most): per-row reads,
        // each opening its own connection, were most of the overview's time at 200 rows.
        var figures = recent.GetRecentFigures([.. summaries.Select(s => s.Run)], since, MetricNames.GenerationTime, P95Sample, ct);
        return summaries.Select(s =>
        {
            // Events are summed from per-second counts the writer keeps: at most 61 rows, however fast the run.
            var (events, latest) = figures.TryGetValue(s.Run, out var f) ? (f.EventsSince, f.LatestValues) : (0L, []);
            var p95 = MetricStats.From(latest).P95;
            return new OverviewRow(s.Run, s.Project, s.Live, events / RateSpan.TotalMinutes,
                s.GenerationCount, s.SuccessRate, s.FailureShare, p95, s.TotalTokens,
                s.EventCount, s.LastEvent, s.LastReceivedAt);
        }).ToList();
    }
}

/// <summary>
/// One row of the runs overview. EventsPerMinute counts stored events timed within the last minute (from the start of
/// the second the minute begins in), summed from per-second counts the writer keeps.
/// </summary>
public sealed record OverviewRow(string Run, string Project, bool Live, double EventsPerMinute, long Generations,
    double? SuccessRate, double? FailureShare, double? P95GenerationTime, long TotalTokens, long EventCount,
    DateTimeOffset? LastEvent, DateTimeOffset LastReceivedAt);

/// <summary>One page of the runs overview; Total counts every matching run, More those left off.</summary>
public sealed record OverviewPage(IReadOnlyList<OverviewRow> Rows, int Total);
