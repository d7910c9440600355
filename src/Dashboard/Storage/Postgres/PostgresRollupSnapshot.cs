using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// <see cref="IRollupSnapshot"/> on PostgreSQL: one connection in one REPEATABLE READ, READ ONLY transaction, so every
/// piece of an answer comes from one snapshot. Rollup reads are range scans of the tables' primary keys; raw reads walk
/// ix_points_run_metric_ts_seq index-only, in (ts, seq) order: equal times in arrival order.
/// </summary>
internal sealed class PostgresRollupSnapshot : IRollupSnapshot
{
    private static readonly string[] TokenNames =
        [MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens, MetricNames.GenerationTime, MetricNames.EvaluationTime];

    private readonly NpgsqlConnection _c;
    private readonly NpgsqlTransaction _tx;

    public PostgresRollupSnapshot(NpgsqlDataSource data)
    {
        _c = data.OpenConnection();
        try
        {
            _tx = _c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        }
        catch
        {
            _c.Dispose();
            throw;
        }
    }

    public long? MetricId(string name)
    {
        using var cmd = Command("SELECT id FROM metric_names WHERE name = $1", name);
        return cmd.ExecuteScalar() as long?;
    }

    /// <summary>Two index seeks (a MIN and a MAX together could scan the range).</summary>
    public (long First, long Last)? Extent(long runId, long metricId, long from, long to)
    {
        long? Seek(string order)
        {
            using var cmd = Command(
                $"SELECT ts FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts {order} LIMIT 1",
                runId, metricId, from, to);
            return cmd.ExecuteScalar() as long?;
        }
        return Seek("ASC") is { } first && Seek("DESC") is { } last ? (first, last) : null;
    }

    public void MergeCells(long runId, long metricId, RollupPiece piece, Func<long, RollupCell> cellOf)
    {
        using var cmd = Piece("SELECT bucket, count, sum, min, max, int_sum, sketch FROM point_rollups", runId, metricId, piece);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            cellOf(r.GetInt64(0)).Merge(r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetInt64(5), r.GetFieldValue<byte[]>(6));
        }
    }

    public void ReadTotals(long runId, long metricId, RollupPiece piece, RollupTotals row)
    {
        using var cmd = Piece("SELECT bucket, count, sum, min, max FROM point_rollups", runId, metricId, piece);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            row(r.GetInt64(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4));
        }
    }

    public void ReadPoints(long runId, long metricId, long from, long to, List<long> times, List<double> values)
    {
        using var cmd = Command(
            "SELECT ts, value FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq",
            runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            times.Add(r.GetInt64(0));
            values.Add(r.GetDouble(1));
        }
    }

    public void ReadIntSums(long runId, long metricId, RollupPiece piece, Action<string, long> sum)
    {
        using var cmd = Piece("SELECT model, SUM(int_sum)::bigint FROM point_rollups", runId, metricId, piece, " GROUP BY model");
        Sums(cmd, sum);
    }

    public void ReadRawIntSums(long runId, long metricId, RawPiece piece, Action<string, long> sum)
    {
        // trunc: SQLite's CAST(value AS INTEGER) (Python's int()) truncates toward zero, where ::bigint would round.
        using var cmd = Command("""
            SELECT COALESCE(model_name, ''), SUM(trunc(value)::bigint)::bigint FROM points
            WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 GROUP BY 1
            """, runId, metricId, piece.From, piece.To);
        Sums(cmd, sum);
    }

    public void ReadTokenCells(long runId, RollupPiece piece, Action<long, string, bool, TokenCell> row)
    {
        using var cmd = Command("""
            SELECT bucket, model, judge, prompt, completion, total, total_value, events, derived FROM token_rollups
            WHERE run_id = $1 AND width = $2 AND bucket >= $3 AND bucket < $4
            """, runId, piece.Width, piece.From, piece.To);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            row(r.GetInt64(0), r.GetString(1), r.GetBoolean(2),
                new TokenCell(r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetDouble(6), r.GetInt64(7), r.GetInt64(8)));
        }
    }

    public long CountBelow(long runId, long metricId, long from, long to, double threshold)
    {
        using var cmd = Command("SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND value < $5",
            runId, metricId, from, to, threshold);
        return (long)cmd.ExecuteScalar()!;
    }

    public void ReadTokenPoints(long runId, RawPiece piece, Action<long, string, string, double> point)
    {
        // LATERAL per tracked metric keeps (run, metric, ts) leading the index: one range scan per name.
        using var cmd = Command("""
            SELECT p.ts, COALESCE(p.model_name, ''), n.name, p.value FROM metric_names n
            CROSS JOIN LATERAL (SELECT ts, value, model_name FROM points WHERE run_id = $1 AND metric_id = n.id AND ts >= $2 AND ts <= $3) p
            WHERE n.name = ANY($4)
            """, runId, piece.From, piece.To, TokenNames);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            point(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDouble(3));
        }
    }

    public void Dispose()
    {
        _tx.Dispose();
        _c.Dispose();
    }

    private static void Sums(NpgsqlCommand cmd, Action<string, long> sum)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            sum(r.GetString(0), r.GetInt64(1));
        }
    }

    private NpgsqlCommand Piece(string select, long runId, long metricId, RollupPiece piece, string tail = "") =>
        Command(select + " WHERE run_id = $1 AND metric_id = $2 AND width = $3 AND bucket >= $4 AND bucket < $5" + tail,
            runId, metricId, piece.Width, piece.From, piece.To);

    private NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        var cmd = PostgresCommands.Command(_c, sql, parameters);
        cmd.Transaction = _tx;
        return cmd;
    }
}
