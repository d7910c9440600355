using System.Data.Common;

namespace Dashboard.Storage;

/// <summary>
/// The runs list from runs and run_metrics (the writer's per-run totals), written once for SQLite and PostgreSQL:
/// sorting and filtering on any column cost a pass over those two small tables, never over points, so a page stays
/// fast with 10,000 runs. What differs per provider: the case-insensitive LIKE (SQLite's LIKE ignores ASCII case,
/// PostgreSQL needs ILIKE) and byte order for names (<see cref="SqlDialect.ByteOrder"/>).
/// </summary>
public abstract class SqlRunListReader(SqlConnections db, string caseInsensitiveLike) : IRunListReader
{
    private readonly Dictionary<RunListSort, string> _sortColumns = new()
    {
        [RunListSort.LastActivity] = "last_received_at",
        [RunListSort.Name] = "name" + db.Dialect.ByteOrder,
        [RunListSort.Project] = "project" + db.Dialect.ByteOrder,
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
        var values = new List<object?>();
        string Param(object? value)
        {
            values.Add(value);
            return "$" + values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var where = new List<string>();
        if (!string.IsNullOrEmpty(q.Project))
        {
            where.Add($"project = {Param(q.Project)}");
        }
        if (!string.IsNullOrEmpty(q.Search))
        {
            where.Add($@"name {caseInsensitiveLike} {Param(SqlText.ContainsPattern(q.Search))} ESCAPE '\'");
        }
        where.AddRange(SqlText.KindClauses(q.Kind));
        var liveSince = Timestamps.ToMicros(now - IRunStore.LiveSpan);
        if (q.LiveOnly)
        {
            where.Add($"last_received_at >= {Param(liveSince)}");
        }
        var order = _sortColumns[q.Sort];
        var dir = q.Descending ? "DESC" : "ASC";
        var limit = Param(q.Limit);
        var offset = Param(q.Offset);
        var sql = PageSql(where, order, dir, limit, offset);
        using var c = db.Open();
        var (rows, total) = ReadPage(c, sql, values, liveSince);
        if (rows.Count == 0 && q.Offset > 0)
        {
            // Past the end: the count still tells the grid how many pages there are.
            values[^2] = 1;
            values[^1] = 0;
            total = ReadPage(c, sql, values, liveSince).Total;
        }
        return Task.FromResult(new RunListPage(rows, total));
    }

    private string PageSql(List<string> where, string order, string dir, string limit, string offset) => $"""
        WITH agg AS (
            SELECT rm.run_id,
                CAST(SUM(CASE WHEN n.name = 'success_rate' THEN rm.count ELSE 0 END) AS BIGINT) AS gens,
                SUM(CASE WHEN n.name = 'success_rate' THEN rm.sum ELSE 0 END) AS gen_ok,
                CAST(SUM(CASE WHEN n.name = 'total_token_count' THEN rm.count ELSE 0 END) AS BIGINT) AS total_n,
                SUM(CASE WHEN n.name = 'total_token_count' THEN rm.sum ELSE 0 END) AS total_sum,
                CAST(SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.count ELSE 0 END) AS BIGINT) AS prompt_n,
                SUM(CASE WHEN n.name = 'prompt_token_count' THEN rm.sum ELSE 0 END) AS prompt_sum,
                SUM(CASE WHEN n.name = 'completion_token_count' THEN rm.sum ELSE 0 END) AS completion_sum,
                CAST(SUM(CASE WHEN n.name = 'evaluation_time' THEN rm.count ELSE 0 END) AS BIGINT) AS evals,
                CAST(SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.count ELSE 0 END) AS BIGINT) AS preds,
                SUM(CASE WHEN n.name = 'prediction_confidence' THEN rm.sum ELSE 0 END) AS conf_sum,
                CAST(SUM(CASE WHEN n.name = 'prediction_error' THEN rm.count ELSE 0 END) AS BIGINT) AS pred_errs,
                CAST(SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.count ELSE 0 END) AS BIGINT) AS execs,
                SUM(CASE WHEN n.name = 'pipeline_success' THEN rm.sum ELSE 0 END) AS exec_ok
            FROM run_metrics rm JOIN metric_names n ON n.id = rm.metric_id
            WHERE n.name IN ('success_rate', 'total_token_count', 'prompt_token_count', 'completion_token_count',
                             'evaluation_time', 'prediction_confidence', 'prediction_error', 'pipeline_success')
            GROUP BY rm.run_id
        ), rows AS (
            SELECT r.name, r.project, r.first_ts, r.last_ts, r.last_received_at, r.event_count,
                COALESCE(a.gens, 0) AS gens, COALESCE(a.gen_ok, 0) AS gen_ok,
                CASE WHEN COALESCE(a.total_n, 0) < COALESCE(a.prompt_n, 0) THEN a.prompt_sum + a.completion_sum ELSE COALESCE(a.total_sum, 0) END AS tokens,
                CASE WHEN COALESCE(a.total_n, 0) < COALESCE(a.prompt_n, 0) THEN 1 ELSE 0 END AS derived,
                COALESCE(a.evals, 0) AS evals, COALESCE(a.preds, 0) AS preds, COALESCE(a.conf_sum, 0) AS conf_sum,
                COALESCE(a.pred_errs, 0) AS pred_errs, COALESCE(a.execs, 0) AS execs, COALESCE(a.exec_ok, 0) AS exec_ok
            FROM runs r LEFT JOIN agg a ON a.run_id = r.id
        )
        SELECT name, project, first_ts, last_ts, last_received_at, event_count, gens, gen_ok, tokens, derived,
               evals, preds, conf_sum, pred_errs, execs, exec_ok, CAST(COUNT(*) OVER () AS INTEGER)
        FROM rows
        {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
        ORDER BY {order} IS NULL, {order} {dir}, name{db.Dialect.ByteOrder}
        LIMIT {limit} OFFSET {offset}
        """;

    private (List<RunListRow> Rows, int Total) ReadPage(DbConnection c, string sql, List<object?> values, long liveSince)
    {
        using var cmd = db.Command(c, sql, [.. values]);
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
                (long)r.GetDouble(8), Convert.ToInt64(r.GetValue(9), System.Globalization.CultureInfo.InvariantCulture) != 0, r.GetInt64(10),
                preds, preds > 0 ? r.GetDouble(12) / preds : null, r.GetInt64(13),
                execs, execs - (long)Math.Round(r.GetDouble(15))));
        }
        return (rows, total);
    }

    public Task<IReadOnlyDictionary<string, int[]>> GetActivityAsync(IReadOnlyCollection<string> runs, DateTimeOffset now, int minutes, CancellationToken ct)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var to = Timestamps.ToMicros(now);
        var from = to - minutes * 60_000_000L;
        using var c = db.Open();
        // Every point of an event shares its timestamp and each event kind writes one point of its most frequent
        // metric, so that metric's points per minute count the run's events without scanning every metric.
        using var pick = db.Command(c, """
            SELECT r.id, rm.metric_id FROM runs r JOIN run_metrics rm ON rm.run_id = r.id
            WHERE r.name = $1 AND rm.last_ts >= $2 ORDER BY rm.count DESC, rm.metric_id LIMIT 1
            """, "", from);
        using var count = db.Command(c, """
            SELECT (ts - $3) / 60000000, COUNT(*) FROM points
            WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts < $4 GROUP BY 1
            """, 0L, 0L, from, to);
        foreach (var run in runs)
        {
            var counts = new int[minutes];
            result[run] = counts;
            pick.Parameters[0].Value = run;
            using (var p = pick.ExecuteReader())
            {
                if (!p.Read())
                {
                    continue;
                }
                count.Parameters[0].Value = p.GetInt64(0);
                count.Parameters[1].Value = p.GetInt64(1);
            }
            using var r = count.ExecuteReader();
            while (r.Read())
            {
                var i = r.GetInt64(0);
                if (i >= 0 && i < minutes)
                {
                    counts[i] = Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, int[]>>(result);
    }

    public IReadOnlyDictionary<string, RecentFigures> GetRecentFigures(IReadOnlyCollection<string> runs, long since, string metric, int sample, CancellationToken ct)
    {
        var result = new Dictionary<string, RecentFigures>(StringComparer.Ordinal);
        if (runs.Count == 0)
        {
            return result;
        }
        using var c = db.Open();
        var metricId = db.GetMetricId(c, metric);
        // One statement for every run's id and event count: a page of the overview is up to 1,000 runs, far below
        // either database's parameter limit.
        var names = runs.Distinct(StringComparer.Ordinal).ToArray();
        var list = string.Join(", ", names.Select((_, i) => "$" + (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var ids = new Dictionary<long, string>();
        using (var events = db.Command(c, $"""
            SELECT r.id, r.name, (SELECT CAST(COALESCE(SUM(s.events), 0) AS BIGINT) FROM run_event_seconds s WHERE s.run_id = r.id AND s.second >= $1)
            FROM runs r WHERE r.name IN ({list})
            """, [Rollups.RollupLevels.BucketOf(since, Rollups.RollupLevels.Second), .. names]))
        {
            using var r = events.ExecuteReader();
            while (r.Read())
            {
                ids[r.GetInt64(0)] = r.GetString(1);
                result[r.GetString(1)] = new RecentFigures(r.GetInt64(2), []);
            }
        }
        if (metricId is null || sample <= 0)
        {
            return result;
        }
        ReadLatest(c, ids, metricId.Value, sample, (id, value) => result[ids[id]].LatestValues.Add(value), ct);
        return result;
    }

    /// <summary>
    /// The latest <paramref name="sample"/> values of the metric per run, each run's newest first. Here one bounded
    /// index walk per run through one prepared statement (cheap in process); PostgreSQL does all runs in one round trip.
    /// </summary>
    protected virtual void ReadLatest(DbConnection c, IReadOnlyDictionary<long, string> runs, long metricId, int sample,
        Action<long, double> add, CancellationToken ct)
    {
        using var latest = db.Command(c, $"SELECT value FROM points WHERE run_id = $1 AND metric_id = $2 ORDER BY ts DESC, {db.Dialect.Arrival} DESC LIMIT $3",
            0L, metricId, sample);
        foreach (var id in runs.Keys)
        {
            ct.ThrowIfCancellationRequested();
            latest.Parameters[0].Value = id;
            using var r = latest.ExecuteReader();
            while (r.Read())
            {
                add(id, r.GetDouble(0));
            }
        }
    }
}
