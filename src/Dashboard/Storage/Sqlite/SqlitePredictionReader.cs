using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>Reads what the prediction summary needs: the runs that have predictions, and one run's points in a window.</summary>
public sealed class SqlitePredictionReader(SqliteConnectionFactory connections) : IPredictionReader
{
    public IReadOnlyList<PredictionRun> GetRuns(CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, """
            SELECT r.name, r.project,
                   SUM(CASE WHEN n.name = $conf THEN m.count ELSE 0 END),
                   SUM(CASE WHEN n.name = $err THEN m.count ELSE 0 END),
                   MAX(m.last_ts)
            FROM runs r
            JOIN run_metrics m ON m.run_id = r.id
            JOIN metric_names n ON n.id = m.metric_id
            WHERE n.name IN ($conf, $err)
            GROUP BY r.id
            ORDER BY r.last_received_at DESC, r.name
            LIMIT $limit
            """, ("$conf", MetricNames.PredictionConfidence), ("$err", MetricNames.PredictionError), ("$limit", IPredictionReader.MaxRuns));
        using var r = cmd.ExecuteReader();
        var runs = new List<PredictionRun>();
        while (r.Read())
        {
            runs.Add(new PredictionRun(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), Timestamps.FromMicros(r.GetInt64(4))));
        }
        return runs;
    }

    public PredictionData GetData(long runId, long from, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var confidences = new List<ConfidencePoint>();
        using (var cmd = SqliteCommands.Command(c, """
            SELECT p.ts, p.value, CAST(json_extract(p.metadata, '$.label') AS TEXT)
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            ORDER BY p.ts, p.rowid
            """, ("$r", runId), ("$name", MetricNames.PredictionConfidence), ("$from", from)))
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                confidences.Add(new ConfidencePoint(r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var times = Values(c, runId, MetricNames.PredictionProcessingTime, from);
        using var errors = SqliteCommands.Command(c, """
            SELECT COUNT(*) FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            """, ("$r", runId), ("$name", MetricNames.PredictionError), ("$from", from));
        return new PredictionData(confidences, times, (long)errors.ExecuteScalar()!);
    }

    private static List<double> Values(SqliteConnection c, long runId, string metric, long from)
    {
        using var cmd = SqliteCommands.Command(c, """
            SELECT p.value FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            ORDER BY p.ts, p.rowid
            """, ("$r", runId), ("$name", metric), ("$from", from));
        using var r = cmd.ExecuteReader();
        var values = new List<double>();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }
}
