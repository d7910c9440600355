using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Runs;

/// <summary>The runs overview: IRunStore' summary plus event rate and p95 generation time, computed on the server.</summary>
public sealed class RunsOverviewBuilder(IRunStore runs, SqliteConnectionFactory connections, IMetricReader points, TimeProvider time)
{
    /// <summary>p95 is taken over this many latest generations, so the overview stays cheap for huge runs.</summary>
    public const int P95Sample = 1000;

    public static readonly TimeSpan RateSpan = TimeSpan.FromMinutes(1);

    /// <summary>One bounded page of the overview (see IRunStore.GetRunsPageAsync) and how many runs match in all.</summary>
    public async Task<OverviewPage> GetPageAsync(string? project, string? search, int offset, int limit, CancellationToken ct)
    {
        var page = await runs.GetRunsPageAsync(project, search, offset, limit, ct);
        return new OverviewPage(Rows(page.Runs), page.Total);
    }

    private List<OverviewRow> Rows(IReadOnlyList<RunSummary> summaries)
    {
        using var c = connections.Open();
        var since = Timestamps.ToMicros(time.GetUtcNow() - RateSpan);
        var generationTime = SqliteMetricReader.GetMetricId(c, "generation_time");
        return summaries.Select(s =>
        {
            var id = points.GetRunId(s.Run) ?? 0;
            return new OverviewRow(s.Run, s.Project, s.Live, EventsSince(c, id, since) / RateSpan.TotalMinutes,
                s.GenerationCount, s.SuccessRate, s.FailureShare, P95(c, id, generationTime), s.TotalTokens,
                s.EventCount, s.LastEvent, s.LastReceivedAt);
        }).ToList();
    }

    // Points of one event share its timestamp, so distinct times in the window count events; only
    // metrics updated in the window are scanned, through the (run, metric, ts) index.
    private static long EventsSince(Microsoft.Data.Sqlite.SqliteConnection c, long runId, long since)
    {
        using var cmd = SqliteCommands.Command(c, """
            SELECT COUNT(DISTINCT ts) FROM points
            WHERE run_id = $r AND ts >= $since
              AND metric_id IN (SELECT metric_id FROM run_metrics WHERE run_id = $r AND last_ts >= $since)
            """, ("$r", runId), ("$since", since));
        return (long)cmd.ExecuteScalar()!;
    }

    private static double? P95(Microsoft.Data.Sqlite.SqliteConnection c, long runId, long? metricId)
    {
        if (metricId is null)
        {
            return null;
        }
        using var cmd = SqliteCommands.Command(c,
            "SELECT value FROM points WHERE run_id = $r AND metric_id = $m ORDER BY ts DESC LIMIT $n",
            ("$r", runId), ("$m", metricId), ("$n", P95Sample));
        using var r = cmd.ExecuteReader();
        var values = new List<double>();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return MetricStats.From(values).P95;
    }
}

/// <summary>One row of the runs overview. EventsPerMinute counts events timed within the last minute.</summary>
public sealed record OverviewRow(string Run, string Project, bool Live, double EventsPerMinute, long Generations,
    double? SuccessRate, double? FailureShare, double? P95GenerationTime, long TotalTokens, long EventCount,
    DateTimeOffset? LastEvent, DateTimeOffset LastReceivedAt);

/// <summary>One page of the runs overview; Total counts every matching run, More those left off.</summary>
public sealed record OverviewPage(IReadOnlyList<OverviewRow> Rows, int Total);
