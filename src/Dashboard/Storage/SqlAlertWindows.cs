using System.Data.Common;
using System.Globalization;
using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// The alert window's count and sum per run and metric, read from point_rollups for the whole hours, minutes and seconds
/// inside the window and from raw points only in its sub-second edges, so an evaluation reads a few hundred rows however
/// many points arrived (a 5-minute window of a run receiving 100,000 points/s holds 30 million: reading them took the
/// evaluator a core, continuously, and its long reads kept the WAL from restarting). The two threshold counts come from a
/// rollup row when its minimum and maximum decide them; a bucket they leave open is counted from its raw points.
/// </summary>
internal static class SqlAlertWindows
{
    /// <summary>Above this many stretches of undecided buckets a threshold count reads the window's raw points once.</summary>
    private const int MaxRawRanges = 64;

    public static Dictionary<long, Dictionary<long, WindowAggregate>> Read(SqlConnections db, DbConnection c,
        IReadOnlyCollection<long> metricIds, WindowThresholds thresholds, long from, long to)
    {
        var result = new Dictionary<long, Dictionary<long, WindowAggregate>>();
        var runs = ActiveRuns(db, c, from);
        if (metricIds.Count == 0 || runs.Count == 0)
        {
            return result;
        }
        // Ids are numbers read from the store itself, so inlining them cannot inject anything.
        var where = $"run_id IN ({Ids(runs)}) AND metric_id IN ({Ids(metricIds)})";
        var totals = new Dictionary<(long Run, long Metric), (long Count, double Sum)>();
        var low = new ThresholdCount(thresholds.LowMetric, v => v < thresholds.Low, "value < $5", thresholds.Low);
        var high = new ThresholdCount(thresholds.HighMetric, v => v > thresholds.High, "value > $5", thresholds.High);
        var plan = RangePlan.For(from, to);
        foreach (var piece in plan.Rollups)
        {
            using var cmd = db.Command(c, $"""
                SELECT run_id, metric_id, bucket, count, sum, min, max FROM point_rollups
                WHERE {where} AND width = $1 AND bucket >= $2 AND bucket < $3
                """, piece.Width, piece.From, piece.To);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var key = (r.GetInt64(0), r.GetInt64(1));
                var (bucket, count, min, max) = (r.GetInt64(2), r.GetInt64(3), r.GetDouble(5), r.GetDouble(6));
                var (n, sum) = totals.GetValueOrDefault(key);
                totals[key] = (n + count, sum + r.GetDouble(4));
                low.AddRow(key, bucket, piece.Width, count, min, max);
                high.AddRow(key, bucket, piece.Width, count, min, max);
            }
        }
        foreach (var piece in plan.Raw)
        {
            using var cmd = db.Command(c, $"""
                SELECT run_id, metric_id, COUNT(*), SUM(value), COUNT(*) FILTER (WHERE value < $3), COUNT(*) FILTER (WHERE value > $4)
                FROM points WHERE {where} AND ts >= $1 AND ts <= $2
                GROUP BY run_id, metric_id
                """, piece.From, piece.To, thresholds.Low, thresholds.High);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var key = (r.GetInt64(0), r.GetInt64(1));
                var (n, sum) = totals.GetValueOrDefault(key);
                totals[key] = (n + r.GetInt64(2), sum + r.GetDouble(3));
                low.AddRaw(key, r.GetInt64(4));
                high.AddRaw(key, r.GetInt64(5));
            }
        }
        foreach (var ((run, metric), (count, sum)) in totals)
        {
            if (!result.TryGetValue(run, out var byMetric))
            {
                result[run] = byMetric = [];
            }
            byMetric[metric] = new WindowAggregate(count, sum, low.Total(db, c, run, metric, from, to), high.Total(db, c, run, metric, from, to));
        }
        return result;
    }

    /// <summary>Runs with a point at or after <paramref name="from"/>: only they can have one in the window.</summary>
    private static List<long> ActiveRuns(SqlConnections db, DbConnection c, long from)
    {
        using var cmd = db.Command(c, "SELECT id FROM runs WHERE last_ts >= $1", from);
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read())
        {
            ids.Add(r.GetInt64(0));
        }
        return ids;
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Values of one metric on one side of a threshold: decided per rollup bucket where the bucket's every row lies on one
    /// side (min and max), otherwise counted from the bucket's raw points. Other metrics count 0 (nothing reads them).
    /// </summary>
    private sealed class ThresholdCount(long? metric, Func<double, bool> holds, string rawCondition, double threshold)
    {
        private readonly Dictionary<(long Run, long Metric), long> _decided = [];
        private readonly Dictionary<(long Run, long Metric), BucketDecisions> _buckets = [];

        public void AddRow((long, long) key, long bucket, long width, long count, double min, double max)
        {
            if (key.Item2 != metric)
            {
                return;
            }
            if (!_buckets.TryGetValue(key, out var buckets))
            {
                _buckets[key] = buckets = new BucketDecisions();
            }
            // Every value of the row lies in [min, max]: both ends on one side decide it.
            buckets.Add(bucket, width, holds(min) && holds(max) ? count : !holds(min) && !holds(max) ? 0 : null);
        }

        public void AddRaw((long, long) key, long count)
        {
            if (key.Item2 == metric)
            {
                _decided[key] = _decided.GetValueOrDefault(key) + count;
            }
        }

        /// <summary>The count for one run and metric in [from, to], reading raw points for its undecided buckets.</summary>
        public long Total(SqlConnections db, DbConnection c, long run, long metricId, long from, long to)
        {
            if (metricId != metric)
            {
                return 0;
            }
            var key = (run, metricId);
            var (decided, open) = _buckets.TryGetValue(key, out var buckets) ? buckets.Resolve() : (0, []);
            var count = _decided.GetValueOrDefault(key) + decided;
            if (open.Count > MaxRawRanges)
            {
                return Raw(db, c, run, metricId, from, to);
            }
            return count + open.Sum(range => Raw(db, c, run, metricId, range.From, range.To));
        }

        private long Raw(SqlConnections db, DbConnection c, long run, long metricId, long from, long to)
        {
            using var cmd = db.Command(c, $"SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND {rawCondition}",
                run, metricId, from, to, threshold);
            return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }
}
