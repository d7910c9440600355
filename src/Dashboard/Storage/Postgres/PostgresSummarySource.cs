using System.Data;
using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL side of <see cref="SummaryReading"/>: one read-only REPEATABLE READ transaction (one snapshot).</summary>
internal sealed class PostgresSummarySource : ISummarySource, IDisposable
{
    private readonly NpgsqlConnection _c;
    private readonly NpgsqlTransaction _tx;

    public PostgresSummarySource(NpgsqlDataSource data)
    {
        _c = data.OpenConnection();
        _tx = _c.BeginTransaction(IsolationLevel.RepeatableRead);
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
        using var cmd = new NpgsqlCommand("""
            SELECT g.pipeline, SUM(g.time_count)::bigint, SUM(g.time_sum), MIN(g.time_min), MAX(g.time_max),
                   SUM(g.success_count)::bigint, SUM(g.success_sum)
            FROM runs r JOIN pipeline_rollups g ON g.run_id = r.id AND g.width = $1 AND g.bucket >= $2 AND g.bucket < $3
            WHERE ($4::bigint IS NULL OR r.id = $4) AND ($5::text IS NULL OR r.project = $5)
            GROUP BY g.pipeline
            """, _c, _tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = piece.Width });
        cmd.Parameters.Add(new NpgsqlParameter { Value = piece.From });
        cmd.Parameters.Add(new NpgsqlParameter { Value = piece.To });
        cmd.Parameters.Add(PostgresCommands.NullableLong(runId));
        cmd.Parameters.Add(PostgresCommands.NullableText(project));
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
            WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq
            """, runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetInt64(0), r.GetDouble(1), withMetadata && !r.IsDBNull(2) ? r.GetString(2) : null);
        }
    }

    public void ReadPipelinePoints(long? runId, string? project, long metricId, long from, long to, Action<double, string?> add)
    {
        using var cmd = new NpgsqlCommand("""
            SELECT p.value, p.metadata FROM runs r
            JOIN points p ON p.run_id = r.id AND p.metric_id = $1 AND p.ts >= $2 AND p.ts <= $3
            WHERE ($4::bigint IS NULL OR r.id = $4) AND ($5::text IS NULL OR r.project = $5)
            """, _c, _tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = metricId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to });
        cmd.Parameters.Add(PostgresCommands.NullableLong(runId));
        cmd.Parameters.Add(PostgresCommands.NullableText(project));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetDouble(0), r.IsDBNull(1) ? null : r.GetString(1));
        }
    }

    private NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        var cmd = PostgresCommands.Command(_c, sql, parameters);
        cmd.Transaction = _tx;
        return cmd;
    }

    public void Dispose()
    {
        _tx.Dispose();
        _c.Dispose();
    }
}
