using System.Data.Common;
using System.Globalization;
using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// What cost and goal figures need (token sums per model and bucket, counts of values at or above a threshold), read
/// from point_rollups for whole buckets and from raw points only where the range cuts a second, on either provider.
/// The run page asks for these every few seconds while it is open, so they must not grow with the run: before, each
/// call grouped every token and success_rate point of the run (10 s at 10 million points, bench/LivePages).
/// </summary>
public static class SqlCostRollups
{
    /// <summary>Above this many runs of uncertain buckets a threshold count reads the raw points of the range once.</summary>
    private const int MaxRawRanges = 64;

    /// <summary>Sums of the given token metrics per run, metric, model and bucket of <paramref name="bucketMicros"/> over [from, to].</summary>
    public static List<TokenAggregate> TokenAggregates(SqlConnections sql, DbConnection c, IReadOnlyCollection<long> runIds,
        IReadOnlyDictionary<long, string> metrics, long from, long to, long bucketMicros)
    {
        // Ids are numbers read from the store itself, so inlining them cannot inject anything.
        var where = $"run_id IN ({Ids(runIds)}) AND metric_id IN ({Ids(metrics.Keys)})";
        var sums = new Dictionary<(long Run, long Metric, string? Model, long Bucket), (double Tokens, long Points)>();
        void Read(DbCommand cmd)
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var key = (r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3));
                var (tokens, points) = sums.GetValueOrDefault(key);
                sums[key] = (tokens + r.GetDouble(4), points + r.GetInt64(5));
            }
        }
        // Only widths dividing the bucket, so every rollup row lies inside one cost bucket.
        var plan = RangePlan.For(from, to, RangePlan.WidthsDividing(bucketMicros));
        foreach (var piece in plan.Rollups)
        {
            using var cmd = sql.Command(c, $"""
                SELECT run_id, metric_id, NULLIF(model, ''), (bucket / $1) * $1, SUM(sum), CAST(SUM(count) AS BIGINT)
                FROM point_rollups WHERE {where} AND width = $2 AND bucket >= $3 AND bucket < $4
                GROUP BY 1, 2, 3, 4
                """, bucketMicros, piece.Width, piece.From, piece.To);
            Read(cmd);
        }
        foreach (var piece in plan.Raw)
        {
            using var cmd = sql.Command(c, $"""
                SELECT run_id, metric_id, NULLIF(model_name, ''), (ts / $1) * $1, SUM(value), COUNT(*)
                FROM points WHERE {where} AND ts >= $2 AND ts <= $3
                GROUP BY 1, 2, 3, 4
                """, bucketMicros, piece.From, piece.To);
            Read(cmd);
        }
        return [.. sums.Select(s => new TokenAggregate(s.Key.Run, TokenMetrics.KindOf(metrics[s.Key.Metric])!.Value, s.Key.Model,
            s.Key.Bucket, s.Value.Tokens, s.Value.Points))];
    }

    /// <summary>
    /// Points of one metric with a value of at least <paramref name="min"/> in [from, to]. A rollup row answers when its
    /// minimum and maximum decide it, or for a 0/1 metric such as success_rate at threshold 1 (its int() sum counts the
    /// ones exactly); a bucket with a row that cannot be decided is counted from its raw points.
    /// </summary>
    public static long CountAtLeast(SqlConnections sql, DbConnection c, long runId, long metricId, double min, long from, long to)
    {
        var plan = RangePlan.For(from, to);
        var decisions = new BucketDecisions();
        foreach (var piece in plan.Rollups)
        {
            using var cmd = sql.Command(c, """
                SELECT bucket, count, min, max, int_sum FROM point_rollups
                WHERE run_id = $1 AND metric_id = $2 AND width = $3 AND bucket >= $4 AND bucket < $5
                """, runId, metricId, piece.Width, piece.From, piece.To);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                decisions.Add(r.GetInt64(0), piece.Width, Decide(r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetInt64(4), min));
            }
        }
        var (count, open) = decisions.Resolve();
        var raw = plan.Raw.Select(p => (p.From, p.To)).Concat(open).ToList();
        if (raw.Count > MaxRawRanges)
        {
            return CountRaw(sql, c, runId, metricId, min, from, to);
        }
        return count + raw.Sum(range => CountRaw(sql, c, runId, metricId, min, range.From, range.To));
    }

    private static long? Decide(long count, double lowest, double highest, long intSum, double min) =>
        lowest >= min ? count
        : highest < min ? 0
        : min == 1 && lowest >= 0 && highest <= 1 ? intSum // int(v) is 1 only for v = 1 when 0 <= v <= 1
        : null;

    private static long CountRaw(SqlConnections sql, DbConnection c, long runId, long metricId, double min, long from, long to)
    {
        using var cmd = sql.Command(c,
            "SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND value >= $5",
            runId, metricId, from, to, min);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
