
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL twin of the SQLite runs list reader. Names sort by bytes (COLLATE "C", as SQLite compares) and
/// search uses ILIKE (SQLite's LIKE ignores ASCII case).
/// </summary>
public sealed class PostgresRunListReader(NpgsqlDataSource data) : IRunListReader
{
    private static readonly Dictionary<RunListSort, string> SortColumns = new()
    {
        [RunListSort.LastActivity] = "last_received_at",
        [RunListSort.Name] = "name COLLATE \"C\"",
        [RunListSort.Project] = "project COLLATE \"C\"",
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
        using var c = data.OpenConnection();
        using var cmd = new NpgsqlCommand { Connection = c };
        var where = new List<string>();
        if (!string.IsNullOrEmpty(q.Project))
        {
            where.Add("project = @project");
            cmd.Parameters.AddWithValue("project", q.Project);
        }
        if (!string.IsNullOrEmpty(q.Search))
        {
            where.Add(@"name ILIKE @search ESCAPE '\'");
            cmd.Parameters.AddWithValue("search", SqlText.ContainsPattern(q.Search));
        }
        where.AddRange(SqlText.KindClauses(q.Kind));
        var liveSince = Timestamps.ToMicros(now - IRunStore.LiveSpan);
        cmd.Parameters.AddWithValue("live", liveSince);
        if (q.LiveOnly)
        {
            where.Add("last_received_at >= @live");
        }
        var order = SortColumns[q.Sort];
        var dir = q.Descending ? "DESC" : "ASC";
        // NULLs (runs without that kind) go last whichever way the column is sorted.
        cmd.CommandText = $"""
            WITH agg AS (
                SELECT rm.run_id,
                    SUM(CASE WHEN n.name = 'success_rate' THEN rm.count ELSE 0 END)::bigint AS gens,
                    SUM(CASE WHEN n.name = 'success_rate' THEN rm.sum ELSE 0 END) AS gen_ok,
                    SUM(CASE WHEN n.name = 'total_token_count' THEN rm.count ELSE 0 END)::bigint AS total_n,
                    SUM(CASE WHEN n.name = 'total_token_count' THEN rm.sum ELSE 0 END) AS total_sum,
                    SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.count ELSE 0 END)::bigint AS prompt_n,
                    SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.sum ELSE 0 END) AS prompt_sum,
                    SUM(CASE WHEN n.name = 'completion_token_count' THEN rm.sum ELSE 0 END) AS completion_sum,
                    SUM(CASE WHEN n.name = 'evaluation_time' THEN rm.count ELSE 0 END)::bigint AS evals,
                    SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.count ELSE 0 END)::bigint AS preds,
                    SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.sum ELSE 0 END) AS conf_sum,
                    SUM(CASE WHEN n.name = 'prediction_error' THEN rm.count ELSE 0 END)::bigint AS pred_errs,
                    SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.count ELSE 0 END)::bigint AS execs,
                    SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.sum ELSE 0 END) AS exec_ok
                FROM run_metrics rm JOIN metric_names n ON n.id = rm.metric_id
                WHERE n.name IN ('success_rate', 'total_token_count', 'prompt_token_count', 'completion_token_count',
                                 'evaluation_time', 'prediction_confidence', 'prediction_error', 'pipeline_success')
                GROUP BY rm.run_id
            ), rows AS (
                SELECT r.name, r.project, r.first_ts, r.last_ts, r.last_received_at, r.event_count,
                    COALESCE(a.gens, 0) AS gens, COALESCE(a.gen_ok, 0) AS gen_ok,
                    CASE WHEN COALESCE(a.total_n, 0) < COALESCE(a.prompt_n, 0) THEN a.prompt_sum + a.completion_sum ELSE COALESCE(a.total_sum, 0) END AS tokens,
                    (COALESCE(a.total_n, 0) < COALESCE(a.prompt_n, 0))::int AS derived,
                    COALESCE(a.evals, 0) AS evals, COALESCE(a.preds, 0) AS preds, COALESCE(a.conf_sum, 0) AS conf_sum,
                    COALESCE(a.pred_errs, 0) AS pred_errs, COALESCE(a.execs, 0) AS execs, COALESCE(a.exec_ok, 0) AS exec_ok
                FROM runs r LEFT JOIN agg a ON a.run_id = r.id
            )
            SELECT name, project, first_ts, last_ts, last_received_at, event_count, gens, gen_ok, tokens, derived,
                   evals, preds, conf_sum, pred_errs, execs, exec_ok, COUNT(*) OVER ()::int
            FROM rows
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY {order} IS NULL, {order} {dir}, name COLLATE "C"
            LIMIT @limit OFFSET @offset
            """;
        cmd.Parameters.AddWithValue("limit", q.Limit);
        cmd.Parameters.AddWithValue("offset", q.Offset);
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
        r.Close();
        if (rows.Count == 0 && q.Offset > 0)
        {
            // Past the end: the count still tells the grid how many pages there are.
            total = Count(c, cmd);
        }
        return Task.FromResult(new RunListPage(rows, total));
    }

    private static int Count(NpgsqlConnection c, NpgsqlCommand page)
    {
        using var cmd = new NpgsqlCommand(page.CommandText.Replace("LIMIT @limit OFFSET @offset", "LIMIT 1 OFFSET 0", StringComparison.Ordinal), c);
        foreach (NpgsqlParameter p in page.Parameters)
        {
            if (p.ParameterName is not ("limit" or "offset"))
            {
                cmd.Parameters.AddWithValue(p.ParameterName, p.Value!);
            }
        }
        using var r = cmd.ExecuteReader();
        return r.Read() ? r.GetInt32(16) : 0;
    }

    public Task<IReadOnlyDictionary<string, int[]>> GetActivityAsync(IReadOnlyCollection<string> runs, DateTimeOffset now, int minutes, CancellationToken ct)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var to = Timestamps.ToMicros(now);
        var from = to - minutes * 60_000_000L;
        using var c = data.OpenConnection();
        foreach (var run in runs)
        {
            var counts = new int[minutes];
            result[run] = counts;
            // Every point of an event shares its timestamp and each event kind writes one point of its most frequent
            // metric, so that metric's points per minute count the run's events without scanning every metric.
            long runId, metricId;
            using (var pick = PostgresCommands.Command(c, """
                SELECT r.id, rm.metric_id FROM runs r JOIN run_metrics rm ON rm.run_id = r.id
                WHERE r.name = $1 AND rm.last_ts >= $2 ORDER BY rm.count DESC, rm.metric_id LIMIT 1
                """, run, from))
            {
                using var p = pick.ExecuteReader();
                if (!p.Read())
                {
                    continue;
                }
                (runId, metricId) = (p.GetInt64(0), p.GetInt64(1));
            }
            using var cmd = PostgresCommands.Command(c, """
                SELECT (ts - $3) / 60000000, COUNT(*)::int FROM points
                WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts < $4 GROUP BY 1
                """, runId, metricId, from, to);
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
