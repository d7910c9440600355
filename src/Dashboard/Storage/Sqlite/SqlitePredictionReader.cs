using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary>Reads what the prediction summary needs: the runs that have predictions, and one run's points in a window.</summary>
public sealed class SqlitePredictionReader(SqliteConnectionFactory connections, int exactLimit = SummaryReading.ExactLimit) : IPredictionReader
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

    public PredictionTotals GetTotals(long runId, long from, CancellationToken ct = default)
    {
        using var source = new SqliteSummarySource(connections);
        return SummaryReading.GetTotals(source, runId, from, exactLimit);
    }

    public long GetRunEvents(long runId, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, "SELECT event_count FROM runs WHERE id = $r", ("$r", runId));
        return cmd.ExecuteScalar() as long? ?? 0;
    }

    public PredictionTotals GetRawTotals(long runId, long from, CancellationToken ct = default)
    {
        using var source = new SqliteSummarySource(connections);
        return SummaryReading.GetRawTotals(source, runId, from);
    }
}
