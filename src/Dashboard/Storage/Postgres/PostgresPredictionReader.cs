using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of the SQLite prediction reader.</summary>
public sealed class PostgresPredictionReader(NpgsqlDataSource data) : IPredictionReader
{
    public IReadOnlyList<PredictionRun> GetRuns(CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, """
            SELECT r.name, r.project,
                   SUM(CASE WHEN n.name = $1 THEN m.count ELSE 0 END)::bigint,
                   SUM(CASE WHEN n.name = $2 THEN m.count ELSE 0 END)::bigint,
                   MAX(m.last_ts)
            FROM runs r
            JOIN run_metrics m ON m.run_id = r.id
            JOIN metric_names n ON n.id = m.metric_id
            WHERE n.name IN ($1, $2)
            GROUP BY r.id
            ORDER BY r.last_received_at DESC, r.name COLLATE "C"
            LIMIT $3
            """, MetricNames.PredictionConfidence, MetricNames.PredictionError, IPredictionReader.MaxRuns);
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
        using var c = data.OpenConnection();
        var confidences = new List<ConfidencePoint>();
        using (var cmd = PostgresCommands.Command(c, """
            SELECT p.ts, p.value, p.metadata::jsonb ->> 'label'
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $1 AND n.name = $2 AND p.ts >= $3
            ORDER BY p.ts, p.seq
            """, runId, MetricNames.PredictionConfidence, from))
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                confidences.Add(new ConfidencePoint(r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var times = Values(c, runId, MetricNames.PredictionProcessingTime, from);
        using var errors = PostgresCommands.Command(c, """
            SELECT COUNT(*) FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $1 AND n.name = $2 AND p.ts >= $3
            """, runId, MetricNames.PredictionError, from);
        return new PredictionData(confidences, times, (long)errors.ExecuteScalar()!);
    }

    private static List<double> Values(NpgsqlConnection c, long runId, string metric, long from)
    {
        using var cmd = PostgresCommands.Command(c, """
            SELECT p.value FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $1 AND n.name = $2 AND p.ts >= $3
            ORDER BY p.ts, p.seq
            """, runId, metric, from);
        using var r = cmd.ExecuteReader();
        var values = new List<double>();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }
}
