using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// <see cref="IRunBucketReader"/> on SQLite: rollup rows of the widths dividing the page's bucket width (so each row lies
/// inside one page bucket), raw points only in the sub-second slivers at the range's ends, in one read transaction.
/// </summary>
public sealed class SqliteRunBucketReader(SqliteConnectionFactory connections) : IRunBucketReader
{
    public RunBuckets Read(long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct = default)
    {
        if (width <= 0 || width % RollupLevels.Second != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "Page buckets are whole seconds.");
        }
        using var c = connections.Open();
        using var tx = c.BeginTransaction(deferred: true);
        var plan = RangePlan.For(from, to, RangePlan.WidthsDividing(width));
        var metrics = new Dictionary<string, Dictionary<long, RollupCell>>(StringComparer.Ordinal);
        long first = long.MaxValue, last = long.MinValue;
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            if (MetricId(c, tx, name) is not { } metricId || Extent(c, tx, runId, metricId, from, to) is not { } extent)
            {
                continue;
            }
            (first, last) = (Math.Min(first, extent.First), Math.Max(last, extent.Last));
            var cells = metrics[name] = [];
            foreach (var piece in plan.Rollups)
            {
                ReadRollups(c, tx, runId, metricId, piece, width, cells);
            }
            foreach (var piece in plan.Raw)
            {
                using var cmd = Command(c, tx, "SELECT ts, value FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to",
                    ("$r", runId), ("$m", metricId), ("$from", piece.From), ("$to", piece.To));
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var value = r.GetDouble(1);
                    var magnitude = Math.Abs(value);
                    CellOf(cells, Start(r.GetInt64(0), width)).Add(value, magnitude >= QuantileSketch.MinIndexable ? QuantileSketch.IndexOf(magnitude) : 0);
                }
            }
        }
        var tokens = new Dictionary<(long, string, bool), TokenCell>();
        foreach (var piece in plan.Rollups)
        {
            ReadTokenRollups(c, tx, runId, piece, width, tokens);
        }
        foreach (var piece in plan.Raw)
        {
            ReadRawTokens(c, tx, runId, piece, width, tokens);
        }
        return new RunBuckets(metrics, tokens, first == long.MaxValue ? null : (first, last));
    }

    public long CountBelow(long runId, string name, long from, long to, double threshold, CancellationToken ct = default)
    {
        using var c = connections.Open();
        if (SqliteMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return 0;
        }
        using var cmd = SqliteCommands.Command(c,
            "SELECT COUNT(*) FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to AND value < $t",
            ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to), ("$t", threshold));
        return (long)cmd.ExecuteScalar()!;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = SqliteCommands.Command(c, sql, parameters);
        cmd.Transaction = tx;
        return cmd;
    }

    private static long? MetricId(SqliteConnection c, SqliteTransaction tx, string name)
    {
        using var cmd = Command(c, tx, "SELECT id FROM metric_names WHERE name = $n", ("$n", name));
        return cmd.ExecuteScalar() as long?;
    }

    private static long Start(long ts, long width) => RollupLevels.BucketOf(ts, width);

    private static RollupCell CellOf(Dictionary<long, RollupCell> cells, long start)
    {
        if (!cells.TryGetValue(start, out var cell))
        {
            cells[start] = cell = new RollupCell();
        }
        return cell;
    }

    /// <summary>First and last point time in [from, to]: two index seeks (a MIN and a MAX together would scan the range).</summary>
    private static (long First, long Last)? Extent(SqliteConnection c, SqliteTransaction tx, long runId, long metricId, long from, long to)
    {
        long? Seek(string order)
        {
            using var cmd = Command(c, tx,
                $"SELECT ts FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to ORDER BY ts {order} LIMIT 1",
                ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
            return cmd.ExecuteScalar() as long?;
        }
        return Seek("ASC") is { } first && Seek("DESC") is { } last ? (first, last) : null;
    }

    private static void ReadRollups(SqliteConnection c, SqliteTransaction tx, long runId, long metricId, RollupPiece piece, long width, Dictionary<long, RollupCell> cells)
    {
        using var cmd = Command(c, tx, """
            SELECT bucket, count, sum, min, max, int_sum, sketch FROM point_rollups
            WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket >= $from AND bucket < $to
            """, ("$r", runId), ("$m", metricId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var row = new RollupCell(r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetInt64(5),
                QuantileSketch.FromBytes((byte[])r.GetValue(6)));
            var start = Start(r.GetInt64(0), width);
            if (cells.TryGetValue(start, out var cell))
            {
                cell.Merge(row);
            }
            else
            {
                cells[start] = row;
            }
        }
    }

    private static void ReadTokenRollups(SqliteConnection c, SqliteTransaction tx, long runId, RollupPiece piece, long width, Dictionary<(long, string, bool), TokenCell> tokens)
    {
        using var cmd = Command(c, tx, """
            SELECT bucket, model, judge, prompt, completion, total, total_value, events, derived FROM token_rollups
            WHERE run_id = $r AND width = $w AND bucket >= $from AND bucket < $to
            """, ("$r", runId), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var key = (Start(r.GetInt64(0), width), r.GetString(1), r.GetInt64(2) != 0);
            var row = new TokenCell(r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetDouble(6), r.GetInt64(7), r.GetInt64(8));
            if (tokens.TryGetValue(key, out var cell))
            {
                cell.Merge(row);
            }
            else
            {
                tokens[key] = row;
            }
        }
    }

    /// <summary>
    /// Token points in a raw sliver regrouped into events by (time, model), as the writer folds them
    /// (<see cref="TokenTimeState"/>): an event is a judge's when its time has an evaluation time and no generation time.
    /// </summary>
    private static void ReadRawTokens(SqliteConnection c, SqliteTransaction tx, long runId, RawPiece piece, long width, Dictionary<(long, string, bool), TokenCell> tokens)
    {
        using var cmd = Command(c, tx, """
            SELECT p.ts, COALESCE(p.model_name, ''), n.name, p.value FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND p.ts >= $from AND p.ts <= $to AND p.metric_id IN
                (SELECT id FROM metric_names WHERE name IN ($p, $c, $t, $g, $e))
            """, ("$r", runId), ("$from", piece.From), ("$to", piece.To), ("$p", MetricNames.PromptTokens), ("$c", MetricNames.CompletionTokens),
            ("$t", MetricNames.TotalTokens), ("$g", MetricNames.GenerationTime), ("$e", MetricNames.EvaluationTime));
        using var r = cmd.ExecuteReader();
        var events = new Dictionary<(long Ts, string Model), double?[]>();
        var generations = new HashSet<long>();
        var evaluations = new HashSet<long>();
        while (r.Read())
        {
            var ts = r.GetInt64(0);
            var slot = r.GetString(2) switch
            {
                MetricNames.PromptTokens => 0,
                MetricNames.CompletionTokens => 1,
                MetricNames.TotalTokens => 2,
                MetricNames.GenerationTime => 3,
                _ => 4,
            };
            if (slot >= 3)
            {
                (slot == 3 ? generations : evaluations).Add(ts);
                continue;
            }
            var key = (ts, r.GetString(1));
            if (!events.TryGetValue(key, out var counts))
            {
                events[key] = counts = new double?[3];
            }
            // The largest of a repeated count, as the writer's TokenTimeState keeps it.
            counts[slot] = counts[slot] is { } old ? Math.Max(old, r.GetDouble(3)) : r.GetDouble(3);
        }
        foreach (var ((ts, model), t) in events)
        {
            var key = (Start(ts, width), model, evaluations.Contains(ts) && !generations.Contains(ts));
            if (!tokens.TryGetValue(key, out var cell))
            {
                tokens[key] = cell = new TokenCell();
            }
            cell.AddEvent(t[0], t[1], t[2]);
        }
    }
}
