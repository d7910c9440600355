using System.Data.Common;
using System.Globalization;

namespace Dashboard.Storage;

/// <summary>
/// Alert evaluation's reads, written once for both providers (<see cref="SqlDialect"/> holds what differs). Runs are the
/// outer loop: only runs with a point in the window (runs.last_ts) are looked at, each through (run_id, metric_id, ts).
/// </summary>
public abstract class SqlAlertConditionReader(SqlConnections db) : IAlertConditionReader
{
    public IAlertConditionSession Open() => new Session(db, db.Open());

    public List<string> GetGoalRuns(long since, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var cmd = db.Command(c, "SELECT r.name FROM run_goals g JOIN runs r ON r.id = g.run_id WHERE r.last_received_at >= $1 ORDER BY r.id", since);
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    private sealed class Session(SqlConnections db, DbConnection c) : IAlertConditionSession
    {
        private SqlDialect D => db.Dialect;

        public Dictionary<string, long> GetMetricIds()
        {
            using var cmd = db.Command(c, "SELECT name, id FROM metric_names");
            using var r = cmd.ExecuteReader();
            var ids = new Dictionary<string, long>(StringComparer.Ordinal);
            while (r.Read())
            {
                ids[r.GetString(0)] = r.GetInt64(1);
            }
            return ids;
        }

        public Dictionary<long, AlertRun> GetRuns()
        {
            using var cmd = db.Command(c, "SELECT id, name, project FROM runs");
            using var r = cmd.ExecuteReader();
            var runs = new Dictionary<long, AlertRun>();
            while (r.Read())
            {
                runs[r.GetInt64(0)] = new AlertRun(r.GetString(1), r.GetString(2));
            }
            return runs;
        }

        public Dictionary<long, Dictionary<long, WindowAggregate>> GetWindowAggregates(IReadOnlyCollection<long> metricIds,
            WindowThresholds thresholds, long from, long to) => SqlAlertWindows.Read(db, c, metricIds, thresholds, from, to);

        public Dictionary<long, double> GetTopLabelShares(long metricId, long from, long to)
        {
            using var cmd = db.Command(c, $"""
                SELECT run_id, CAST(MAX(n) AS DOUBLE PRECISION) / SUM(n) FROM (
                    SELECT p.run_id, {D.JsonValue("p.metadata", "label")} AS label, COUNT(*) AS n
                    FROM runs r {D.RunsThenPoints} points p ON p.run_id = r.id
                    WHERE r.last_ts >= $2 AND p.metric_id = $1 AND p.ts >= $2 AND p.ts <= $3
                    GROUP BY p.run_id, label) AS per_label
                GROUP BY run_id
                """, metricId, from, to);
            using var r = cmd.ExecuteReader();
            var shares = new Dictionary<long, double>();
            while (r.Read())
            {
                shares[r.GetInt64(0)] = r.GetDouble(1);
            }
            return shares;
        }

        public List<PipelineExecutions> GetRecentExecutions(long metricId, long from, long to, int keep)
        {
            var pipeline = D.JsonValue("p.metadata", "pipeline");
            using var cmd = db.Command(c, $"""
                SELECT run_id, pipeline, value FROM (
                    SELECT p.run_id, {pipeline} AS pipeline, p.value,
                           ROW_NUMBER() OVER (PARTITION BY p.run_id, {pipeline} ORDER BY p.ts DESC, p.{D.Arrival} DESC) AS rn,
                           MAX(p.ts) OVER (PARTITION BY p.run_id, {pipeline}) AS newest
                    FROM runs r {D.RunsThenPoints} points p ON p.run_id = r.id
                    WHERE r.last_ts >= $2 AND p.metric_id = $1 AND p.ts <= $3) AS ranked
                WHERE rn <= $4 AND newest >= $2 AND pipeline IS NOT NULL
                ORDER BY run_id, pipeline{D.ByteOrder}, rn
                """, metricId, from, to, (long)keep);
            using var r = cmd.ExecuteReader();
            var list = new List<PipelineExecutions>();
            while (r.Read())
            {
                var runId = r.GetInt64(0);
                var name = Convert.ToString(r.GetValue(1), CultureInfo.InvariantCulture)!;
                if (list.Count == 0 || list[^1].RunId != runId || list[^1].Pipeline != name)
                {
                    list.Add(new PipelineExecutions(runId, name, []));
                }
                list[^1].Values.Add(r.GetDouble(2));
            }
            return list;
        }

        public void VisitValuesPerRun(long metricId, string? project, string? run, long from, long to, Action<string, List<double>> onRun)
        {
            // $4 is always bound (PostgreSQL wants every parameter used): compared with itself when there is no scope.
            var scope = project is not null ? " AND r.project = $4" : run is not null ? " AND r.name = $4" : " AND $4 = $4";
            using var cmd = db.Command(c, $"""
                SELECT r.name, p.value FROM runs r {D.RunsThenPoints} points p ON p.run_id = r.id
                WHERE r.last_ts >= $2{scope} AND p.metric_id = $1 AND p.ts >= $2 AND p.ts <= $3
                ORDER BY r.id, p.ts, p.{D.Arrival}
                """, metricId, from, to, project ?? run ?? "");
            using var r = cmd.ExecuteReader();
            ValueGroups.Visit(r, onRun);
        }

        public List<QuietRun> GetQuietRuns(long silentSince, long oldest, long minEvents)
        {
            using var cmd = db.Command(c, """
                SELECT name, event_count, last_received_at FROM runs
                WHERE last_received_at <= $1 AND last_received_at >= $2 AND event_count >= $3
                """, silentSince, oldest, minEvents);
            using var r = cmd.ExecuteReader();
            var list = new List<QuietRun>();
            while (r.Read())
            {
                list.Add(new QuietRun(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
            }
            return list;
        }

        public void Dispose() => c.Dispose();
    }
}
