using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Writes a transaction's rollup rows and event counts on the writer's connection, inside the points' transaction,
/// so a reader never sees points without their rollups. One upsert per row; sketches merge in a SQL function.
/// </summary>
internal sealed class SqliteRollupWriter : IDisposable
{
    private readonly SqliteCommand _upsertRollup;
    private readonly SqliteCommand _upsertEvents;
    private readonly SqliteCommand _upsertTokens;

    public SqliteRollupWriter(SqliteConnection connection)
    {
        RegisterFunctions(connection);
        _upsertRollup = connection.CreateCommand();
        _upsertRollup.CommandText = """
            INSERT INTO point_rollups (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch)
            VALUES ($r, $m, $w, $b, $model, $c, $s, $min, $max, $i, $sketch)
            ON CONFLICT (run_id, metric_id, width, bucket, model) DO UPDATE SET
                count = count + excluded.count, sum = sum + excluded.sum,
                min = MIN(min, excluded.min), max = MAX(max, excluded.max),
                int_sum = int_sum + excluded.int_sum, sketch = rollup_merge(sketch, excluded.sketch)
            """;
        foreach (var name in new[] { "$r", "$m", "$w", "$b", "$model", "$c", "$s", "$min", "$max", "$i", "$sketch" })
        {
            _upsertRollup.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        _upsertRollup.Prepare();
        _upsertEvents = connection.CreateCommand();
        _upsertEvents.CommandText = """
            INSERT INTO run_event_seconds (run_id, second, events) VALUES ($r, $s, $n)
            ON CONFLICT (run_id, second) DO UPDATE SET events = events + excluded.events
            """;
        foreach (var name in new[] { "$r", "$s", "$n" })
        {
            _upsertEvents.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        _upsertEvents.Prepare();
        _upsertTokens = connection.CreateCommand();
        _upsertTokens.CommandText = """
            INSERT INTO token_rollups (run_id, width, bucket, model, judge, prompt, completion, total, total_value, events, derived)
            VALUES ($r, $w, $b, $model, $j, $p, $c, $t, $tv, $e, $d)
            ON CONFLICT (run_id, width, bucket, model, judge) DO UPDATE SET
                prompt = prompt + excluded.prompt, completion = completion + excluded.completion, total = total + excluded.total,
                total_value = total_value + excluded.total_value, events = events + excluded.events, derived = derived + excluded.derived
            """;
        foreach (var name in new[] { "$r", "$w", "$b", "$model", "$j", "$p", "$c", "$t", "$tv", "$e", "$d" })
        {
            _upsertTokens.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        _upsertTokens.Prepare();
    }

    /// <summary>The SQL functions rollup maintenance and backfill use: rollup_merge(a, b) and the aggregate rollup_sketch(value).</summary>
    public static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction("rollup_merge", (byte[]? a, byte[]? b) =>
        {
            if (a is null || b is null)
            {
                return a ?? b;
            }
            var merged = QuantileSketch.FromBytes(a);
            merged.Merge(QuantileSketch.FromBytes(b));
            return merged.ToBytes();
        }, isDeterministic: true);
        connection.CreateAggregate("rollup_sketch", (QuantileSketch?)null, (QuantileSketch? sketch, double value) =>
        {
            sketch ??= new QuantileSketch();
            sketch.Add(value);
            return sketch;
        }, sketch => (sketch ?? new QuantileSketch()).ToBytes(), isDeterministic: true);
    }

    public void Write(SqliteTransaction tx, RollupAccumulator rollups)
    {
        _upsertRollup.Transaction = tx;
        _upsertEvents.Transaction = tx;
        var ps = _upsertRollup.Parameters;
        foreach (var (key, cell) in rollups.Cells)
        {
            ps[0].Value = key.RunId;
            ps[1].Value = key.MetricId;
            ps[2].Value = key.Width;
            ps[3].Value = key.Bucket;
            ps[4].Value = key.Model;
            ps[5].Value = cell.Count;
            ps[6].Value = cell.Sum;
            ps[7].Value = cell.Min;
            ps[8].Value = cell.Max;
            ps[9].Value = cell.IntSum;
            ps[10].Value = cell.Sketch.ToBytes();
            _upsertRollup.ExecuteNonQuery();
        }
        var es = _upsertEvents.Parameters;
        foreach (var ((runId, second), n) in rollups.Events)
        {
            es[0].Value = runId;
            es[1].Value = second;
            es[2].Value = n;
            _upsertEvents.ExecuteNonQuery();
        }
        _upsertTokens.Transaction = tx;
        var ts = _upsertTokens.Parameters;
        foreach (var (key, cell) in rollups.Tokens)
        {
            ts[0].Value = key.RunId;
            ts[1].Value = key.Width;
            ts[2].Value = key.Bucket;
            ts[3].Value = key.Model;
            ts[4].Value = key.Judge ? 1 : 0;
            ts[5].Value = cell.Prompt;
            ts[6].Value = cell.Completion;
            ts[7].Value = cell.Total;
            ts[8].Value = cell.TotalValue;
            ts[9].Value = cell.Events;
            ts[10].Value = cell.Derived;
            _upsertTokens.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _upsertRollup.Dispose();
        _upsertEvents.Dispose();
        _upsertTokens.Dispose();
    }
}
