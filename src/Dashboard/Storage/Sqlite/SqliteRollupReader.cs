using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Answers over any range from rollups of whole buckets plus raw points at the range's edges (<see cref="RangePlan"/>),
/// all inside one read transaction, so the pieces come from one snapshot. Cost grows with the number of buckets, not points.
/// </summary>
public sealed class SqliteRollupReader(SqliteConnectionFactory connections, int exactLimit = SqliteRollupReader.ExactLimit)
{
    /// <summary>Up to this many points in a range, stats are computed exactly over the raw points (percentiles included).</summary>
    public const int ExactLimit = 50_000;

    /// <summary>
    /// Stats of one metric's finite values in [from, to]. Count, min and max are always exact; the mean is the exact
    /// sum over the count (summed per bucket: equal to summing point by point up to floating-point rounding);
    /// percentiles are exact up to <see cref="ExactLimit"/> points, beyond that within 1% (<see cref="QuantileSketch"/>).
    /// </summary>
    public MetricStats GetStats(long runId, long metricId, long from, long to)
    {
        using var c = connections.Open();
        using var tx = c.BeginTransaction(deferred: true);
        var plan = RangePlan.For(from, to);
        long count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        var sketches = new List<byte[]>();
        foreach (var piece in plan.Rollups)
        {
            using var cmd = Command(c, tx, """
                SELECT count, sum, min, max, sketch FROM point_rollups
                WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket >= $from AND bucket < $to
                """, runId, metricId, piece);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                count += r.GetInt64(0);
                sum += r.GetDouble(1);
                min = Math.Min(min, r.GetDouble(2));
                max = Math.Max(max, r.GetDouble(3));
                sketches.Add((byte[])r.GetValue(4));
            }
        }
        var edges = new List<double>();
        var times = new List<long>();
        foreach (var piece in plan.Raw)
        {
            RawPointReader.Read(c, runId, metricId, piece.From, piece.To, times, edges);
        }
        if (count + edges.Count <= exactLimit)
        {
            // Few points: exactly the raw computation (arrival-order sum, exact percentiles), read in index order.
            var values = new List<double>();
            times.Clear();
            RawPointReader.Read(c, runId, metricId, from, to, times, values);
            return MetricStats.From(values);
        }
        var sketch = new QuantileSketch();
        foreach (var bytes in sketches)
        {
            sketch.Merge(QuantileSketch.FromBytes(bytes));
        }
        foreach (var v in edges)
        {
            sketch.Add(v);
            sum += v;
        }
        count += edges.Count;
        min = Math.Min(min, sketch.Min);
        max = Math.Max(max, sketch.Max);
        return new MetricStats(count, sum / count, min, max,
            sketch.Quantile(0.50), sketch.Quantile(0.90), sketch.Quantile(0.95), sketch.Quantile(0.99));
    }

    /// <summary>afterimage's get_total_token_usage from <paramref name="from"/> on: int() of each value, summed per model.</summary>
    public TokenUsageReport GetTokenUsage(long runId, long from)
    {
        using var c = connections.Open();
        using var tx = c.BeginTransaction(deferred: true);
        var byModel = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var plan = RangePlan.For(from, long.MaxValue);
        string[] names = ["prompt_token_count", "completion_token_count", "total_token_count"];
        for (var slot = 0; slot < names.Length; slot++)
        {
            using var find = c.CreateCommand();
            find.Transaction = tx;
            find.CommandText = "SELECT id FROM metric_names WHERE name = $n";
            find.Parameters.AddWithValue("$n", names[slot]);
            if (find.ExecuteScalar() is not long metricId)
            {
                continue;
            }
            foreach (var piece in plan.Rollups)
            {
                using var cmd = Command(c, tx, """
                    SELECT model, SUM(int_sum) FROM point_rollups
                    WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket >= $from AND bucket < $to GROUP BY model
                    """, runId, metricId, piece);
                AddSums(cmd, byModel, slot);
            }
            foreach (var piece in plan.Raw)
            {
                using var cmd = Command(c, tx, """
                    SELECT COALESCE(model_name, ''), SUM(CAST(value AS INTEGER)) FROM points
                    WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to GROUP BY 1
                    """, runId, metricId, new RollupPiece(0, piece.From, piece.To));
                AddSums(cmd, byModel, slot);
            }
        }
        var models = byModel.Select(m => new ModelTokenUsage(m.Key, m.Value[0], m.Value[1], m.Value[2])).ToList();
        return new TokenUsageReport(models, models.Sum(m => m.PromptTokens), models.Sum(m => m.CompletionTokens), models.Sum(m => m.TotalTokens));
    }

    /// <summary>Events (with at least one point) timed at or after the start of the second holding <paramref name="since"/>.</summary>
    public static long GetEventsSince(SqliteConnection c, long runId, long since)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(events), 0) FROM run_event_seconds WHERE run_id = $r AND second >= $s";
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$s", RollupLevels.BucketOf(since, RollupLevels.Second));
        return (long)cmd.ExecuteScalar()!;
    }

    private static void AddSums(SqliteCommand cmd, SortedDictionary<string, long[]> byModel, int slot)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            // "" is a point without a model name (rollups store it so); afterimage reports both as "unknown".
            var model = r.GetString(0) is { Length: > 0 } m ? m : "unknown";
            var sums = byModel.TryGetValue(model, out var s) ? s : byModel[model] = new long[3];
            sums[slot] += r.GetInt64(1);
        }
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction tx, string sql, long runId, long metricId, RollupPiece piece)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$m", metricId);
        cmd.Parameters.AddWithValue("$w", piece.Width);
        cmd.Parameters.AddWithValue("$from", piece.From);
        cmd.Parameters.AddWithValue("$to", piece.To);
        return cmd;
    }
}
