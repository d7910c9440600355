using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The SQLite side of <see cref="SummaryReading"/>: one connection and one read transaction (one snapshot).</summary>
internal sealed class SqliteSummarySource : ISummarySource, IDisposable
{
    private readonly SqliteConnection _c;
    private readonly SqliteTransaction _tx;

    public SqliteSummarySource(SqliteConnectionFactory connections)
    {
        _c = connections.Open();
        _tx = _c.BeginTransaction(deferred: true);
    }

    public long? MetricId(string name)
    {
        using var cmd = Command("SELECT id FROM metric_names WHERE name = $n", ("$n", name));
        return cmd.ExecuteScalar() as long?;
    }

    public long RunEvents(long runId)
    {
        using var cmd = Command("SELECT event_count FROM runs WHERE id = $r", ("$r", runId));
        return cmd.ExecuteScalar() as long? ?? 0;
    }

    public void ReadConfidenceRollups(long runId, RollupPiece piece, Action<long, string, ConfidenceCell> add)
    {
        using var cmd = Command("""
            SELECT bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts
            FROM prediction_rollups WHERE run_id = $r AND width = $w AND bucket >= $from AND bucket < $to
            """, ("$r", runId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var cell = new ConfidenceCell { Count = r.GetInt64(2), Sum = r.GetDouble(3), Low = r.GetInt64(9), FirstTs = r.GetInt64(10), LastTs = r.GetInt64(11) };
            for (var i = 0; i < 5; i++)
            {
                cell.Bands[i] = r.GetInt64(4 + i);
            }
            add(r.GetInt64(0), r.GetString(1), cell);
        }
    }

    public void ReadTimeRollups(long runId, RollupPiece piece, Action<PredictionTimeCell> add)
    {
        using var cmd = Command("""
            SELECT count, sum, slow, errors, sketch FROM prediction_time_rollups
            WHERE run_id = $r AND width = $w AND bucket >= $from AND bucket < $to
            """, ("$r", runId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(new PredictionTimeCell
            {
                Count = r.GetInt64(0), Sum = r.GetDouble(1), Slow = r.GetInt64(2), Errors = r.GetInt64(3),
                // A row holding errors only may have no sketch: nothing to sketch then (backfill; see step 14).
                Sketch = !r.IsDBNull(4) ? Core.QuantileSketch.FromBytes((byte[])r.GetValue(4)) : r.GetInt64(0) == 0 ? new Core.QuantileSketch() : null,
            });
        }
    }

    public void ReadPipelineRollups(long? runId, string? project, RollupPiece piece, Action<string, PipelineCell> add)
    {
        using var cmd = Command("""
            SELECT g.pipeline, SUM(g.time_count), SUM(g.time_sum), MIN(g.time_min), MAX(g.time_max), SUM(g.success_count), SUM(g.success_sum)
            FROM runs r CROSS JOIN pipeline_rollups g ON g.run_id = r.id AND g.width = $w AND g.bucket >= $from AND g.bucket < $to
            WHERE ($run IS NULL OR r.id = $run) AND ($project IS NULL OR r.project = $project)
            GROUP BY g.pipeline
            """, ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To), ("$run", runId), ("$project", project));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetString(0), new PipelineCell
            {
                TimeCount = r.GetInt64(1), TimeSum = r.GetDouble(2),
                TimeMin = r.IsDBNull(3) ? double.PositiveInfinity : r.GetDouble(3),
                TimeMax = r.IsDBNull(4) ? double.NegativeInfinity : r.GetDouble(4),
                SuccessCount = r.GetInt64(5), SuccessSum = r.GetDouble(6),
            });
        }
    }

    public void ReadPoints(long runId, long metricId, long from, long to, bool withMetadata, Action<long, double, string?> add)
    {
        using var cmd = Command($"""
            SELECT ts, value{(withMetadata ? ", metadata" : "")} FROM points
            WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to ORDER BY ts, rowid
            """, ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetInt64(0), r.GetDouble(1), withMetadata && !r.IsDBNull(2) ? r.GetString(2) : null);
        }
    }

    // CROSS JOIN keeps runs the outer loop (SQLite never reorders it): one index probe per run on (run_id, metric_id, ts).
    // A plain JOIN let the planner scan every point of the metric for a window's empty edge (seconds at 1M points).
    public void ReadPipelinePoints(long? runId, string? project, long metricId, long from, long to, Action<double, string?> add)
    {
        using var cmd = Command("""
            SELECT p.value, p.metadata FROM runs r
            CROSS JOIN points p ON p.run_id = r.id AND p.metric_id = $m AND p.ts >= $from AND p.ts <= $to
            WHERE ($run IS NULL OR r.id = $run) AND ($project IS NULL OR r.project = $project)
            """, ("$m", metricId), ("$from", from), ("$to", to), ("$run", runId), ("$project", project));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetDouble(0), r.IsDBNull(1) ? null : r.GetString(1));
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = SqliteCommands.Command(_c, sql, parameters);
        cmd.Transaction = _tx;
        return cmd;
    }

    public void Dispose()
    {
        _tx.Dispose();
        _c.Dispose();
    }
}
