using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// What the prediction summary reads, written once for both providers: the runs that have predictions, and one run's
/// totals from its rollups (<see cref="SqlSummarySource"/>) or its raw points.
/// </summary>
public abstract class SqlPredictionReader(SqlConnections db, int exactLimit) : IPredictionReader
{
    public IReadOnlyList<PredictionRun> GetRuns(CancellationToken ct = default)
    {
        using var c = db.Open();
        // CAST: PostgreSQL's SUM of bigint is numeric.
        using var cmd = db.Command(c, $"""
            SELECT r.name, r.project,
                   CAST(SUM(CASE WHEN n.name = $1 THEN m.count ELSE 0 END) AS BIGINT),
                   CAST(SUM(CASE WHEN n.name = $2 THEN m.count ELSE 0 END) AS BIGINT),
                   MAX(m.last_ts)
            FROM runs r
            JOIN run_metrics m ON m.run_id = r.id
            JOIN metric_names n ON n.id = m.metric_id
            WHERE n.name IN ($1, $2)
            GROUP BY r.id
            ORDER BY r.last_received_at DESC, r.name{db.Dialect.ByteOrder}
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

    public PredictionTotals GetTotals(long runId, long from, CancellationToken ct = default)
    {
        using var source = new SqlSummarySource(db);
        return SummaryReading.GetTotals(source, runId, from, exactLimit);
    }

    public long GetRunEvents(long runId, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var cmd = db.Command(c, "SELECT event_count FROM runs WHERE id = $1", runId);
        return cmd.ExecuteScalar() as long? ?? 0;
    }

    public PredictionTotals GetRawTotals(long runId, long from, CancellationToken ct = default)
    {
        using var source = new SqlSummarySource(db);
        return SummaryReading.GetRawTotals(source, runId, from);
    }
}
