using System.Globalization;
using Microsoft.Data.Sqlite;
using static Dashboard.Storage.Sqlite.SqliteCommands;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Alert evaluation's reads in SQLite. CROSS JOIN keeps runs as the outer loop, so each run's points are found through
/// (run_id, metric_id, ts) instead of scanning all history.
/// </summary>
public sealed class SqliteAlertConditionReader(SqliteConnectionFactory connections) : IAlertConditionReader
{
    public IAlertConditionSession Open() => new Session(connections.Open());

    public List<string> GetGoalRuns(long since, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = Command(c, "SELECT r.name FROM run_goals g JOIN runs r ON r.id = g.run_id WHERE r.last_received_at >= $since ORDER BY r.id",
            ("$since", since));
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    private sealed class Session(SqliteConnection c) : IAlertConditionSession
    {
        public Dictionary<string, long> GetMetricIds()
        {
            using var cmd = Command(c, "SELECT name, id FROM metric_names");
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
            using var cmd = Command(c, "SELECT id, name, project FROM runs");
            using var r = cmd.ExecuteReader();
            var runs = new Dictionary<long, AlertRun>();
            while (r.Read())
            {
                runs[r.GetInt64(0)] = new AlertRun(r.GetString(1), r.GetString(2));
            }
            return runs;
        }

        public Dictionary<long, Dictionary<long, WindowAggregate>> GetWindowAggregates(IReadOnlyCollection<long> metricIds, double low, double high,
            long from, long to)
        {
            var result = new Dictionary<long, Dictionary<long, WindowAggregate>>();
            if (metricIds.Count == 0)
            {
                return result;
            }
            using var cmd = Command(c, $"""
                SELECT p.run_id, p.metric_id, COUNT(*), SUM(p.value), SUM(p.value < $low), SUM(p.value > $high)
                FROM runs r CROSS JOIN points p ON p.run_id = r.id
                WHERE r.last_ts >= $from AND p.metric_id IN ({string.Join(",", metricIds)}) AND p.ts >= $from AND p.ts <= $to
                GROUP BY p.run_id, p.metric_id
                """, ("$from", from), ("$to", to), ("$low", low), ("$high", high));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var runId = r.GetInt64(0);
                if (!result.TryGetValue(runId, out var byMetric))
                {
                    result[runId] = byMetric = [];
                }
                byMetric[r.GetInt64(1)] = new WindowAggregate(r.GetInt64(2), r.GetDouble(3), r.GetInt64(4), r.GetInt64(5));
            }
            return result;
        }

        public Dictionary<long, double> GetTopLabelShares(long metricId, long from, long to)
        {
            using var cmd = Command(c, """
                SELECT run_id, MAX(n) * 1.0 / SUM(n) FROM (
                    SELECT p.run_id, json_extract(p.metadata, '$.label') AS label, COUNT(*) AS n
                    FROM runs r CROSS JOIN points p ON p.run_id = r.id
                    WHERE r.last_ts >= $from AND p.metric_id = $m AND p.ts >= $from AND p.ts <= $to
                    GROUP BY p.run_id, label)
                GROUP BY run_id
                """, ("$m", metricId), ("$from", from), ("$to", to));
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
            using var cmd = Command(c, """
                SELECT run_id, pipeline, value, newest FROM (
                    SELECT p.run_id, json_extract(p.metadata, '$.pipeline') AS pipeline, p.value,
                           ROW_NUMBER() OVER (PARTITION BY p.run_id, json_extract(p.metadata, '$.pipeline') ORDER BY p.ts DESC, p.rowid DESC) AS rn,
                           MAX(p.ts) OVER (PARTITION BY p.run_id, json_extract(p.metadata, '$.pipeline')) AS newest
                    FROM runs r CROSS JOIN points p ON p.run_id = r.id
                    WHERE r.last_ts >= $from AND p.metric_id = $m AND p.ts <= $to)
                WHERE rn <= $keep AND newest >= $from AND pipeline IS NOT NULL
                ORDER BY run_id, pipeline, rn
                """, ("$m", metricId), ("$from", from), ("$to", to), ("$keep", keep));
            using var r = cmd.ExecuteReader();
            var list = new List<PipelineExecutions>();
            while (r.Read())
            {
                var runId = r.GetInt64(0);
                var pipeline = Convert.ToString(r.GetValue(1), CultureInfo.InvariantCulture)!;
                if (list.Count == 0 || list[^1].RunId != runId || list[^1].Pipeline != pipeline)
                {
                    list.Add(new PipelineExecutions(runId, pipeline, []));
                }
                list[^1].Values.Add(r.GetDouble(2));
            }
            return list;
        }

        public void VisitValuesPerRun(long metricId, string? project, string? run, long from, long to, Action<string, List<double>> onRun)
        {
            var scope = project is not null ? " AND r.project = $scope" : run is not null ? " AND r.name = $scope" : "";
            using var cmd = Command(c, $"""
                SELECT r.name, p.value FROM runs r CROSS JOIN points p ON p.run_id = r.id
                WHERE r.last_ts >= $from{scope} AND p.metric_id = $m AND p.ts >= $from AND p.ts <= $to
                ORDER BY r.id, p.ts, p.rowid
                """, ("$m", metricId), ("$from", from), ("$to", to), ("$scope", project ?? run ?? ""));
            using var r = cmd.ExecuteReader();
            ValueGroups.Visit(r, onRun);
        }

        public List<QuietRun> GetQuietRuns(long silentSince, long oldest, long minEvents)
        {
            using var cmd = Command(c, """
                SELECT name, event_count, last_received_at FROM runs
                WHERE last_received_at <= $silentSince AND last_received_at >= $oldest AND event_count >= $min
                """, ("$silentSince", silentSince), ("$oldest", oldest), ("$min", minEvents));
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
