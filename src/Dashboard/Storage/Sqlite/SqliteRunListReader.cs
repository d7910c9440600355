
namespace Dashboard.Storage.Sqlite;

/// <summary>
/// The runs list from runs and run_metrics (the writer's per-run totals): sorting and filtering on any column cost
/// a pass over those two small tables, never over points, so a page stays fast with 10,000 runs.
/// </summary>
public sealed class SqliteRunListReader(SqliteConnectionFactory connections) : IRunListReader
{
    private static readonly Dictionary<RunListSort, string> SortColumns = new()
    {
        [RunListSort.LastActivity] = "last_received_at",
        [RunListSort.Name] = "name",
        [RunListSort.Project] = "project",
        [RunListSort.Started] = "first_ts",
        [RunListSort.Duration] = "(last_ts - first_ts)",
        [RunListSort.Events] = "event_count",
        [RunListSort.Generations] = "gens",
        [RunListSort.SuccessRate] = "(CASE WHEN gens > 0 THEN gen_ok / gens END)",
        [RunListSort.Tokens] = "tokens",
        [RunListSort.Evaluations] = "evals",
        [RunListSort.Predictions] = "preds",
        [RunListSort.Confidence] = "(CASE WHEN preds > 0 THEN conf_sum / preds END)",
        [RunListSort.PredictionErrorRate] = "(CASE WHEN preds + pred_errs > 0 THEN 1.0 * pred_errs / (preds + pred_errs) END)",
        [RunListSort.Executions] = "execs",
        [RunListSort.ExecutionFailures] = "(execs - exec_ok)",
    };

    public Task<RunListPage> GetRunListAsync(RunListQuery q, DateTimeOffset now, CancellationToken ct)
    {
        using var c = connections.Open();
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (!string.IsNullOrEmpty(q.Project))
        {
            where.Add("project = $project");
            cmd.Parameters.AddWithValue("$project", q.Project);
        }
        if (!string.IsNullOrEmpty(q.Search))
        {
            where.Add(@"name LIKE $search ESCAPE '\'");
            cmd.Parameters.AddWithValue("$search", SqlText.ContainsPattern(q.Search));
        }
        where.AddRange(SqlText.KindClauses(q.Kind));
        var liveSince = Timestamps.ToMicros(now - IRunStore.LiveSpan);
        cmd.Parameters.AddWithValue("$live", liveSince);
        if (q.LiveOnly)
        {
            where.Add("last_received_at >= $live");
        }
        var order = SortColumns[q.Sort];
        var dir = q.Descending ? "DESC" : "ASC";
        // NULLs (runs without that kind) go last whichever way the column is sorted.
        cmd.CommandText = $"""
            WITH agg AS (
                SELECT rm.run_id,
                    SUM(CASE WHEN n.name = 'success_rate' THEN rm.count ELSE 0 END) AS gens,
                    SUM(CASE WHEN n.name = 'success_rate' THEN rm.sum ELSE 0 END) AS gen_ok,
                    SUM(CASE WHEN n.name = 'total_token_count' THEN rm.count ELSE 0 END) AS total_n,
                    SUM(CASE WHEN n.name = 'total_token_count' THEN rm.sum ELSE 0 END) AS total_sum,
                    SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.count ELSE 0 END) AS prompt_n,
                    SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.sum ELSE 0 END) AS prompt_sum,
                    SUM(CASE WHEN n.name = 'completion_token_count' THEN rm.sum ELSE 0 END) AS completion_sum,
                    SUM(CASE WHEN n.name = 'evaluation_time' THEN rm.count ELSE 0 END) AS evals,
                    SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.count ELSE 0 END) AS preds,
                    SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.sum ELSE 0 END) AS conf_sum,
                    SUM(CASE WHEN n.name = 'prediction_error' THEN rm.count ELSE 0 END) AS pred_errs,
                    SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.count ELSE 0 END) AS execs,
                    SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.sum ELSE 0 END) AS exec_ok
                FROM run_metrics rm JOIN metric_names n ON n.id = rm.metric_id
                WHERE n.name IN ('success_rate', 'total_token_count', 'prompt_token_count', 'completion_token_count',
                                 'evaluation_time', 'prediction_confidence', 'prediction_error', 'pipeline_success')
                GROUP BY rm.run_id
            ), rows AS (
                SELECT r.name, r.project, r.first_ts, r.last_ts, r.last_received_at, r.event_count,
                    IFNULL(a.gens, 0) AS gens, IFNULL(a.gen_ok, 0) AS gen_ok,
                    CASE WHEN IFNULL(a.total_n, 0) < IFNULL(a.prompt_n, 0) THEN a.prompt_sum + a.completion_sum ELSE IFNULL(a.total_sum, 0) END AS tokens,
                    IFNULL(a.total_n, 0) < IFNULL(a.prompt_n, 0) AS derived,
                    IFNULL(a.evals, 0) AS evals, IFNULL(a.preds, 0) AS preds, IFNULL(a.conf_sum, 0) AS conf_sum,
                    IFNULL(a.pred_errs, 0) AS pred_errs, IFNULL(a.execs, 0) AS execs, IFNULL(a.exec_ok, 0) AS exec_ok
                FROM runs r LEFT JOIN agg a ON a.run_id = r.id
            )
            SELECT name, project, first_ts, last_ts, last_received_at, event_count, gens, gen_ok, tokens, derived,
                   evals, preds, conf_sum, pred_errs, execs, exec_ok, COUNT(*) OVER ()
            FROM rows
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY {order} IS NULL, {order} {dir}, name
            LIMIT $limit OFFSET $offset
            """;
        cmd.Parameters.AddWithValue("$limit", q.Limit);
        cmd.Parameters.AddWithValue("$offset", q.Offset);
        using var r = cmd.ExecuteReader();
        var rows = new List<RunListRow>();
        var total = 0;
        while (r.Read())
        {
            total = r.GetInt32(16);
            var gens = r.GetInt64(6);
            var preds = r.GetInt64(11);
            var execs = r.GetInt64(14);
            rows.Add(new RunListRow(
                r.GetString(0), r.GetString(1), r.GetInt64(4) >= liveSince,
                r.IsDBNull(2) ? null : Timestamps.FromMicros(r.GetInt64(2)),
                r.IsDBNull(3) ? null : Timestamps.FromMicros(r.GetInt64(3)),
                Timestamps.FromMicros(r.GetInt64(4)),
                r.GetInt64(5), gens, gens > 0 ? r.GetDouble(7) / gens : null,
                (long)r.GetDouble(8), r.GetInt64(9) != 0, r.GetInt64(10),
                preds, preds > 0 ? r.GetDouble(12) / preds : null, r.GetInt64(13),
                execs, execs - (long)Math.Round(r.GetDouble(15))));
        }
        if (rows.Count == 0 && q.Offset > 0)
        {
            // Past the end: the count still tells the grid how many pages there are.
            total = Count(c, cmd);
        }
        return Task.FromResult(new RunListPage(rows, total));
    }

    private static int Count(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteCommand page)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = page.CommandText.Replace("LIMIT $limit OFFSET $offset", "LIMIT 1 OFFSET 0", StringComparison.Ordinal);
        foreach (Microsoft.Data.Sqlite.SqliteParameter p in page.Parameters)
        {
            cmd.Parameters.AddWithValue(p.ParameterName, p.Value);
        }
        using var r = cmd.ExecuteReader();
        return r.Read() ? r.GetInt32(16) : 0;
    }

    public Task<IReadOnlyDictionary<string, int[]>> GetActivityAsync(IReadOnlyCollection<string> runs, DateTimeOffset now, int minutes, CancellationToken ct)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var to = Timestamps.ToMicros(now);
        var from = to - minutes * 60_000_000L;
        using var c = connections.Open();
        foreach (var run in runs)
        {
            var counts = new int[minutes];
            result[run] = counts;
            // Every point of an event shares its timestamp and each event kind writes one point of its most frequent
            // metric, so that metric's points per minute count the run's events without scanning every metric.
            using var pick = c.CreateCommand();
            pick.CommandText = """
                SELECT r.id, rm.metric_id FROM runs r JOIN run_metrics rm ON rm.run_id = r.id
                WHERE r.name = $run AND rm.last_ts >= $from ORDER BY rm.count DESC LIMIT 1
                """;
            pick.Parameters.AddWithValue("$run", run);
            pick.Parameters.AddWithValue("$from", from);
            using var p = pick.ExecuteReader();
            if (!p.Read())
            {
                continue;
            }
            var (runId, metricId) = (p.GetInt64(0), p.GetInt64(1));
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT (ts - $from) / 60000000, COUNT(*) FROM points
                WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts < $to GROUP BY 1
                """;
            cmd.Parameters.AddWithValue("$r", runId);
            cmd.Parameters.AddWithValue("$m", metricId);
            cmd.Parameters.AddWithValue("$from", from);
            cmd.Parameters.AddWithValue("$to", to);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var i = r.GetInt64(0);
                if (i >= 0 && i < minutes)
                {
                    counts[i] = r.GetInt32(1);
                }
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, int[]>>(result);
    }
}
