using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Keeps the prediction and pipeline summary rollups (schema step 14) on the writer's connection, inside the points'
/// transaction: <see cref="Add"/> per stored finite point, <see cref="Write"/> once before commit. Statements are
/// prepared on first use, so a transaction without prediction or pipeline points costs one dictionary check per point.
/// </summary>
internal sealed class SqliteSummaryRollupWriter(SqliteConnection connection) : IDisposable
{
    private readonly SummaryRollupAccumulator _cells = new();
    private SqliteCommand? _confidence;
    private SqliteCommand? _times;
    private SqliteCommand? _pipelines;

    /// <summary>summary_text(metadata, key): the field as <see cref="MetadataText"/> reads it (used by the step 14 backfill).</summary>
    public static void RegisterFunctions(SqliteConnection connection) =>
        connection.CreateFunction("summary_text", (string? json, string key) => MetadataText.Get(json, key), isDeterministic: true);

    public void Add(long runId, MetricPoint p)
    {
        if (SummaryRollupAccumulator.Tracks(p.Name))
        {
            _cells.Add(runId, p.Name, p.Timestamp, p.Value, p.MetadataJson);
        }
    }

    public void Write(SqliteTransaction tx)
    {
        if (_cells.IsEmpty)
        {
            return;
        }
        try
        {
            foreach (var (key, cell) in _cells.Confidences)
            {
                _confidence ??= Prepare("""
                    INSERT INTO prediction_rollups (run_id, width, bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts)
                    VALUES ($r, $w, $b, $k, $c, $s, $b0, $b1, $b2, $b3, $b4, $low, $first, $last)
                    ON CONFLICT (run_id, width, bucket, label) DO UPDATE SET
                        count = count + excluded.count, sum = sum + excluded.sum, very_low = very_low + excluded.very_low,
                        low = low + excluded.low, medium = medium + excluded.medium, high = high + excluded.high,
                        very_high = very_high + excluded.very_high, below = below + excluded.below,
                        first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts)
                    """, "$r", "$w", "$b", "$k", "$c", "$s", "$b0", "$b1", "$b2", "$b3", "$b4", "$low", "$first", "$last");
                Run(_confidence, tx, key.RunId, key.Width, key.Bucket, key.Name, cell.Count, cell.Sum,
                    cell.Bands[0], cell.Bands[1], cell.Bands[2], cell.Bands[3], cell.Bands[4], cell.Low, cell.FirstTs, cell.LastTs);
            }
            foreach (var (key, cell) in _cells.Times)
            {
                _times ??= Prepare("""
                    INSERT INTO prediction_time_rollups (run_id, width, bucket, count, sum, slow, errors, sketch)
                    VALUES ($r, $w, $b, $c, $s, $slow, $e, $sketch)
                    ON CONFLICT (run_id, width, bucket) DO UPDATE SET
                        count = count + excluded.count, sum = sum + excluded.sum, slow = slow + excluded.slow,
                        errors = errors + excluded.errors, sketch = rollup_merge(sketch, excluded.sketch)
                    """, "$r", "$w", "$b", "$c", "$s", "$slow", "$e", "$sketch");
                Run(_times, tx, key.RunId, key.Width, key.Bucket, cell.Count, cell.Sum, cell.Slow, cell.Errors, (cell.Sketch ?? new QuantileSketch()).ToBytes());
            }
            foreach (var (key, cell) in _cells.Pipelines)
            {
                _pipelines ??= Prepare("""
                    INSERT INTO pipeline_rollups (run_id, width, bucket, pipeline, time_count, time_sum, time_min, time_max, success_count, success_sum)
                    VALUES ($r, $w, $b, $k, $tc, $ts, $tmin, $tmax, $sc, $ss)
                    ON CONFLICT (run_id, width, bucket, pipeline) DO UPDATE SET
                        time_count = time_count + excluded.time_count, time_sum = time_sum + excluded.time_sum,
                        time_min = COALESCE(MIN(time_min, excluded.time_min), time_min, excluded.time_min),
                        time_max = COALESCE(MAX(time_max, excluded.time_max), time_max, excluded.time_max),
                        success_count = success_count + excluded.success_count, success_sum = success_sum + excluded.success_sum
                    """, "$r", "$w", "$b", "$k", "$tc", "$ts", "$tmin", "$tmax", "$sc", "$ss");
                Run(_pipelines, tx, key.RunId, key.Width, key.Bucket, key.Name, cell.TimeCount, cell.TimeSum,
                    cell.TimeCount == 0 ? null : cell.TimeMin, cell.TimeCount == 0 ? null : cell.TimeMax, cell.SuccessCount, cell.SuccessSum);
            }
        }
        finally
        {
            _cells.Clear();
        }
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        cmd.Prepare();
        return cmd;
    }

    private static void Run(SqliteCommand cmd, SqliteTransaction tx, params object?[] values)
    {
        cmd.Transaction = tx;
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        cmd.ExecuteNonQuery();
    }

    /// <summary>Forgets a rolled-back transaction's cells.</summary>
    public void Clear() => _cells.Clear();

    public void Dispose()
    {
        _confidence?.Dispose();
        _times?.Dispose();
        _pipelines?.Dispose();
    }
}
