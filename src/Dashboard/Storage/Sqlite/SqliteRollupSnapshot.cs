using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary><see cref="IRollupSnapshot"/> on SQLite: one connection in one deferred read transaction.</summary>
internal sealed class SqliteRollupSnapshot : IRollupSnapshot
{
    private readonly SqliteConnection _c;
    private readonly SqliteTransaction _tx;
    private readonly bool _owned;

    public SqliteRollupSnapshot(SqliteConnectionFactory connections)
        : this(connections.Open(), owned: true)
    {
    }

    /// <summary>On a connection the caller keeps (it must have no open transaction).</summary>
    public SqliteRollupSnapshot(SqliteConnection connection, bool owned = false)
    {
        (_c, _owned) = (connection, owned);
        _tx = _c.BeginTransaction(deferred: true);
    }

    public long? MetricId(string name)
    {
        using var cmd = Command("SELECT id FROM metric_names WHERE name = $n", ("$n", name));
        return cmd.ExecuteScalar() as long?;
    }

    /// <summary>Two index seeks (a MIN and a MAX together would scan the range).</summary>
    public (long First, long Last)? Extent(long runId, long metricId, long from, long to)
    {
        long? Seek(string order)
        {
            using var cmd = Command(
                $"SELECT ts FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to ORDER BY ts {order} LIMIT 1",
                ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
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
            // A byte[] per row: Microsoft.Data.Sqlite's GetBytes opens a blob handle per call (measured 5-8x slower).
            cellOf(r.GetInt64(0)).Merge(r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetInt64(5), (byte[])r.GetValue(6));
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

    public void ReadPoints(long runId, long metricId, long from, long to, List<long> times, List<double> values) =>
        RawPointReader.Read(_c, runId, metricId, from, to, times, values);

    public void ReadIntSums(long runId, long metricId, RollupPiece piece, Action<string, long> sum)
    {
        using var cmd = Piece("SELECT model, SUM(int_sum) FROM point_rollups", runId, metricId, piece, " GROUP BY model");
        Sums(cmd, sum);
    }

    public void ReadRawIntSums(long runId, long metricId, RawPiece piece, Action<string, long> sum)
    {
        using var cmd = Command("""
            SELECT COALESCE(model_name, ''), SUM(CAST(value AS INTEGER)) FROM points
            WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to GROUP BY 1
            """, ("$r", runId), ("$m", metricId), ("$from", piece.From), ("$to", piece.To));
        Sums(cmd, sum);
    }

    public void ReadTokenCells(long runId, RollupPiece piece, Action<long, string, bool, TokenCell> row)
    {
        using var cmd = Command("""
            SELECT bucket, model, judge, prompt, completion, total, total_value, events, derived FROM token_rollups
            WHERE run_id = $r AND width = $w AND bucket >= $from AND bucket < $to
            """, ("$r", runId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            row(r.GetInt64(0), r.GetString(1), r.GetInt64(2) != 0,
                new TokenCell(r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetDouble(6), r.GetInt64(7), r.GetInt64(8)));
        }
    }

    public long CountBelow(long runId, long metricId, long from, long to, double threshold)
    {
        using var cmd = Command("SELECT COUNT(*) FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to AND value < $t",
            ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to), ("$t", threshold));
        return (long)cmd.ExecuteScalar()!;
    }

    public void ReadTokenPoints(long runId, RawPiece piece, Action<long, string, string, double> point)
    {
        using var cmd = Command("""
            SELECT p.ts, COALESCE(p.model_name, ''), n.name, p.value FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND p.ts >= $from AND p.ts <= $to AND p.metric_id IN
                (SELECT id FROM metric_names WHERE name IN ($p, $c, $t, $g, $e))
            """, ("$r", runId), ("$from", piece.From), ("$to", piece.To), ("$p", MetricNames.PromptTokens), ("$c", MetricNames.CompletionTokens),
            ("$t", MetricNames.TotalTokens), ("$g", MetricNames.GenerationTime), ("$e", MetricNames.EvaluationTime));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            point(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDouble(3));
        }
    }

    public void Dispose()
    {
        _tx.Dispose();
        if (_owned)
        {
            _c.Dispose();
        }
    }

    private static void Sums(SqliteCommand cmd, Action<string, long> sum)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            sum(r.GetString(0), r.GetInt64(1));
        }
    }

    private SqliteCommand Piece(string select, long runId, long metricId, RollupPiece piece, string tail = "") =>
        Command(select + " WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket >= $from AND bucket < $to" + tail,
            ("$r", runId), ("$m", metricId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = SqliteCommands.Command(_c, sql, parameters);
        cmd.Transaction = _tx;
        return cmd;
    }
}
