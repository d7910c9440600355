using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Keeps the prediction and pipeline summary rollups (the twin of SQLite's step 14) inside the points' transaction:
/// one upsert per table over unnest arrays. Sketches merge in C#: the time rows of the batch are inserted empty if
/// missing, then locked (FOR UPDATE), merged and written back, so two instances writing one run never lose a sketch.
/// All but the final UPDATE of the time rows ride in the round trip of the runs' counters (after the runs' UPDATEs,
/// so these rows are written only while the batch holds their runs): one round trip of their own instead of five.
/// </summary>
internal sealed class PostgresSummaryRollupWriter
{
    private readonly SummaryRollupAccumulator _cells = new();
    private readonly Dictionary<(long, long, long), PredictionTimeCell> _stored = [];
    private List<KeyValuePair<SummaryKey, PredictionTimeCell>> _times = [];

    public PostgresSummaryRollupWriter(IEnumerable<(long Run, long Metric, MetricPoint Point)> points)
    {
        foreach (var (run, _, p) in points)
        {
            if (SummaryRollupAccumulator.Tracks(p.Name))
            {
                _cells.Add(run, p.Name, p.Timestamp, p.Value, p.MetadataJson);
            }
        }
    }

    /// <summary>Adds the upserts and the time rows' lock to <paramref name="batch"/>; true when it added the lock, which returns rows (<see cref="ReadTimes"/>).</summary>
    public bool AddTo(NpgsqlBatch batch)
    {
        if (_cells.Confidences.Count > 0)
        {
            batch.BatchCommands.Add(UpsertConfidences([.. _cells.Confidences]));
        }
        if (_cells.Pipelines.Count > 0)
        {
            batch.BatchCommands.Add(UpsertPipelines([.. _cells.Pipelines]));
        }
        _times = [.. _cells.Times];
        if (_times.Count == 0)
        {
            return false;
        }
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO prediction_time_rollups (run_id, width, bucket, count, sum, slow, errors, sketch)
            SELECT k.r, k.w, k.b, 0, 0, 0, 0, NULL FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS k(r, w, b)
            ON CONFLICT DO NOTHING
            """);
        Keys(insert.Parameters, _times.Select(r => r.Key), withName: false);
        batch.BatchCommands.Add(insert);
        var select = new NpgsqlBatchCommand("""
            SELECT t.run_id, t.width, t.bucket, t.count, t.sum, t.slow, t.errors, t.sketch FROM prediction_time_rollups t
            JOIN unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS k(r, w, b) ON t.run_id = k.r AND t.width = k.w AND t.bucket = k.b
            FOR UPDATE OF t
            """);
        Keys(select.Parameters, _times.Select(r => r.Key), withName: false);
        batch.BatchCommands.Add(select);
        return true;
    }

    /// <summary>The time rows as stored, locked until commit.</summary>
    public void ReadTimes(NpgsqlDataReader r)
    {
        while (r.Read())
        {
            var count = r.GetInt64(3);
            _stored[(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))] = new PredictionTimeCell
            {
                Count = count, Sum = r.GetDouble(4), Slow = r.GetInt64(5), Errors = r.GetInt64(6),
                Sketch = !r.IsDBNull(7) ? QuantileSketch.FromBytes((byte[])r.GetValue(7)) : count == 0 ? new QuantileSketch() : null,
            };
        }
    }

    /// <summary>Writes the time rows back with the batch merged in (one round trip, only when the batch has such points).</summary>
    public void WriteTimes(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        if (_times.Count == 0)
        {
            return;
        }
        var merged = _times.Select(row =>
        {
            var cell = _stored[(row.Key.RunId, row.Key.Width, row.Key.Bucket)];
            cell.Merge(row.Value);
            return (row.Key, Cell: cell);
        }).ToList();
        using var update = new NpgsqlCommand("""
            UPDATE prediction_time_rollups t SET count = k.c, sum = k.s, slow = k.slow, errors = k.e, sketch = k.sketch
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::float8[], $6::bigint[], $7::bigint[], $8::bytea[])
                AS k(r, w, b, c, s, slow, e, sketch)
            WHERE t.run_id = k.r AND t.width = k.w AND t.bucket = k.b
            """, c, tx);
        Keys(update.Parameters, merged.Select(m => m.Key), withName: false);
        Add(update.Parameters, merged.Select(m => m.Cell.Count));
        Add(update.Parameters, merged.Select(m => m.Cell.Sum));
        Add(update.Parameters, merged.Select(m => m.Cell.Slow));
        Add(update.Parameters, merged.Select(m => m.Cell.Errors));
        Add(update.Parameters, merged.Select(m => m.Cell.Sketch?.ToBytes()));
        update.ExecuteNonQuery();
    }

    private static NpgsqlBatchCommand UpsertConfidences(List<KeyValuePair<SummaryKey, ConfidenceCell>> rows)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO prediction_rollups AS t (run_id, width, bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::float8[], $7::bigint[], $8::bigint[],
                $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
            ON CONFLICT (run_id, width, bucket, label) DO UPDATE SET
                count = t.count + excluded.count, sum = t.sum + excluded.sum, very_low = t.very_low + excluded.very_low,
                low = t.low + excluded.low, medium = t.medium + excluded.medium, high = t.high + excluded.high,
                very_high = t.very_high + excluded.very_high, below = t.below + excluded.below,
                first_ts = LEAST(t.first_ts, excluded.first_ts), last_ts = GREATEST(t.last_ts, excluded.last_ts)
            """);
        var p = cmd.Parameters;
        Keys(p, rows.Select(r => r.Key), withName: true);
        Add(p, rows.Select(r => r.Value.Count));
        Add(p, rows.Select(r => r.Value.Sum));
        for (var band = 0; band < 5; band++)
        {
            Add(p, rows.Select(r => r.Value.Bands[band]));
        }
        Add(p, rows.Select(r => r.Value.Low));
        Add(p, rows.Select(r => r.Value.FirstTs));
        Add(p, rows.Select(r => r.Value.LastTs));
        return cmd;
    }

    private static NpgsqlBatchCommand UpsertPipelines(List<KeyValuePair<SummaryKey, PipelineCell>> rows)
    {
        // LEAST/GREATEST ignore NULL, so a row's first execution time replaces "none yet".
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO pipeline_rollups AS t (run_id, width, bucket, pipeline, time_count, time_sum, time_min, time_max, success_count, success_sum)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::float8[], $7::float8[], $8::float8[],
                $9::bigint[], $10::float8[])
            ON CONFLICT (run_id, width, bucket, pipeline) DO UPDATE SET
                time_count = t.time_count + excluded.time_count, time_sum = t.time_sum + excluded.time_sum,
                time_min = LEAST(t.time_min, excluded.time_min), time_max = GREATEST(t.time_max, excluded.time_max),
                success_count = t.success_count + excluded.success_count, success_sum = t.success_sum + excluded.success_sum
            """);
        var p = cmd.Parameters;
        Keys(p, rows.Select(r => r.Key), withName: true);
        Add(p, rows.Select(r => r.Value.TimeCount));
        Add(p, rows.Select(r => r.Value.TimeSum));
        Add(p, rows.Select(r => r.Value.TimeCount == 0 ? (double?)null : r.Value.TimeMin));
        Add(p, rows.Select(r => r.Value.TimeCount == 0 ? (double?)null : r.Value.TimeMax));
        Add(p, rows.Select(r => r.Value.SuccessCount));
        Add(p, rows.Select(r => r.Value.SuccessSum));
        return cmd;
    }

    private static void Keys(NpgsqlParameterCollection parameters, IEnumerable<SummaryKey> keys, bool withName)
    {
        var list = keys.ToList();
        Add(parameters, list.Select(k => k.RunId));
        Add(parameters, list.Select(k => k.Width));
        Add(parameters, list.Select(k => k.Bucket));
        if (withName)
        {
            Add(parameters, list.Select(k => PostgresWriteBatch.NoNul(k.Name)));
        }
    }

    private static void Add<T>(NpgsqlParameterCollection parameters, IEnumerable<T> values) => parameters.Add(new NpgsqlParameter { Value = values.ToArray() });
}
