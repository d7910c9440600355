using System.Data.Common;
using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// The store side of <see cref="SummaryReading"/>, written once for both providers: one connection and one read
/// snapshot (<see cref="SqlConnections.BeginSnapshot"/>) for all its reads. Runs are the outer loop of every join to
/// their rows (<see cref="SqlDialect.RunsThenPoints"/>): one index probe per run on (run_id, ...), where a plain join let
/// SQLite's planner scan every point of the metric for a window's empty edge (seconds at 1M points).
/// </summary>
internal sealed class SqlSummarySource : ISummarySource, IDisposable
{
    private readonly SqlConnections _db;
    private readonly DbConnection _c;
    private readonly DbTransaction _tx;

    public SqlSummarySource(SqlConnections db)
    {
        _db = db;
        _c = db.Open();
        _tx = db.BeginSnapshot(_c);
    }

    public long? MetricId(string name)
    {
        using var cmd = Command("SELECT id FROM metric_names WHERE name = $1", name);
        return cmd.ExecuteScalar() as long?;
    }

    public long RunEvents(long runId)
    {
        using var cmd = Command("SELECT event_count FROM runs WHERE id = $1", runId);
        return cmd.ExecuteScalar() as long? ?? 0;
    }

    public void ReadConfidenceRollups(long runId, RollupPiece piece, Action<long, string, ConfidenceCell> add)
    {
        using var cmd = Command("""
            SELECT bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts
            FROM prediction_rollups WHERE run_id = $1 AND width = $2 AND bucket >= $3 AND bucket < $4
            """, runId, piece.Width, piece.From, piece.To);
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
            WHERE run_id = $1 AND width = $2 AND bucket >= $3 AND bucket < $4
            """, runId, piece.Width, piece.From, piece.To);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(new PredictionTimeCell
            {
                Count = r.GetInt64(0), Sum = r.GetDouble(1), Slow = r.GetInt64(2), Errors = r.GetInt64(3),
                // No sketch: errors only (nothing to sketch), or a backfilled row (percentiles then come from raw points).
                Sketch = !r.IsDBNull(4) ? QuantileSketch.FromBytes((byte[])r.GetValue(4)) : r.GetInt64(0) == 0 ? new QuantileSketch() : null,
            });
        }
    }

    public void ReadPipelineRollups(long? runId, string? project, RollupPiece piece, Action<string, PipelineCell> add)
    {
        // CAST: PostgreSQL's SUM of bigint is numeric; an untyped null parameter needs its type said.
        using var cmd = Command($"""
            SELECT g.pipeline, CAST(SUM(g.time_count) AS BIGINT), SUM(g.time_sum), MIN(g.time_min), MAX(g.time_max),
                   CAST(SUM(g.success_count) AS BIGINT), SUM(g.success_sum)
            FROM runs r {_db.Dialect.RunsThenPoints} pipeline_rollups g ON g.run_id = r.id AND g.width = $1 AND g.bucket >= $2 AND g.bucket < $3
            WHERE (CAST($4 AS BIGINT) IS NULL OR r.id = $4) AND (CAST($5 AS TEXT) IS NULL OR r.project = $5)
            GROUP BY g.pipeline
            """, piece.Width, piece.From, piece.To, runId, project);
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
            WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, {_db.Dialect.Arrival}
            """, runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetInt64(0), r.GetDouble(1), withMetadata && !r.IsDBNull(2) ? r.GetString(2) : null);
        }
    }

    public void ReadPipelinePoints(long? runId, string? project, long metricId, long from, long to, Action<double, string?> add)
    {
        using var cmd = Command($"""
            SELECT p.value, p.metadata FROM runs r
            {_db.Dialect.RunsThenPoints} points p ON p.run_id = r.id AND p.metric_id = $1 AND p.ts >= $2 AND p.ts <= $3
            WHERE (CAST($4 AS BIGINT) IS NULL OR r.id = $4) AND (CAST($5 AS TEXT) IS NULL OR r.project = $5)
            """, metricId, from, to, runId, project);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetDouble(0), r.IsDBNull(1) ? null : r.GetString(1));
        }
    }

    private DbCommand Command(string sql, params object?[] parameters)
    {
        var cmd = _db.Command(_c, sql, parameters);
        cmd.Transaction = _tx;
        return cmd;
    }

    public void Dispose()
    {
        _tx.Dispose();
        _c.Dispose();
    }
}
