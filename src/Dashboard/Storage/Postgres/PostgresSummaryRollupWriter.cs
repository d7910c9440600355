using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Keeps the prediction and pipeline summary rollups (the twin of SQLite's step 14) inside the points' transaction:
/// one upsert per table over unnest arrays. Sketches merge in C#: the time rows of the batch are inserted empty if
/// missing, then locked (FOR UPDATE), merged and written back, so two instances writing one run never lose a sketch.
/// </summary>
internal static class PostgresSummaryRollupWriter
{
    public static void Write(NpgsqlConnection c, NpgsqlTransaction tx, IEnumerable<(long Run, long Metric, MetricPoint Point)> points)
    {
        var cells = new SummaryRollupAccumulator();
        foreach (var (run, _, p) in points)
        {
            if (SummaryRollupAccumulator.Tracks(p.Name))
            {
                cells.Add(run, p.Name, p.Timestamp, p.Value, p.MetadataJson);
            }
        }
        if (cells.Confidences.Count > 0)
        {
            WriteConfidences(c, tx, [.. cells.Confidences]);
        }
        if (cells.Times.Count > 0)
        {
            WriteTimes(c, tx, [.. cells.Times]);
        }
        if (cells.Pipelines.Count > 0)
        {
            WritePipelines(c, tx, [.. cells.Pipelines]);
        }
    }

    private static void WriteConfidences(NpgsqlConnection c, NpgsqlTransaction tx, List<KeyValuePair<SummaryKey, ConfidenceCell>> rows)
    {
        using var cmd = new NpgsqlCommand("""
            INSERT INTO prediction_rollups AS t (run_id, width, bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::float8[], $7::bigint[], $8::bigint[],
                $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
            ON CONFLICT (run_id, width, bucket, label) DO UPDATE SET
                count = t.count + excluded.count, sum = t.sum + excluded.sum, very_low = t.very_low + excluded.very_low,
                low = t.low + excluded.low, medium = t.medium + excluded.medium, high = t.high + excluded.high,
                very_high = t.very_high + excluded.very_high, below = t.below + excluded.below,
                first_ts = LEAST(t.first_ts, excluded.first_ts), last_ts = GREATEST(t.last_ts, excluded.last_ts)
            """, c, tx);
        Keys(cmd, rows.Select(r => r.Key), withName: true);
        Add(cmd, rows.Select(r => r.Value.Count));
        Add(cmd, rows.Select(r => r.Value.Sum));
        for (var band = 0; band < 5; band++)
        {
            Add(cmd, rows.Select(r => r.Value.Bands[band]));
        }
        Add(cmd, rows.Select(r => r.Value.Low));
        Add(cmd, rows.Select(r => r.Value.FirstTs));
        Add(cmd, rows.Select(r => r.Value.LastTs));
        cmd.ExecuteNonQuery();
    }

    private static void WritePipelines(NpgsqlConnection c, NpgsqlTransaction tx, List<KeyValuePair<SummaryKey, PipelineCell>> rows)
    {
        // LEAST/GREATEST ignore NULL, so a row's first execution time replaces "none yet".
        using var cmd = new NpgsqlCommand("""
            INSERT INTO pipeline_rollups AS t (run_id, width, bucket, pipeline, time_count, time_sum, time_min, time_max, success_count, success_sum)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::float8[], $7::float8[], $8::float8[],
                $9::bigint[], $10::float8[])
            ON CONFLICT (run_id, width, bucket, pipeline) DO UPDATE SET
                time_count = t.time_count + excluded.time_count, time_sum = t.time_sum + excluded.time_sum,
                time_min = LEAST(t.time_min, excluded.time_min), time_max = GREATEST(t.time_max, excluded.time_max),
                success_count = t.success_count + excluded.success_count, success_sum = t.success_sum + excluded.success_sum
            """, c, tx);
        Keys(cmd, rows.Select(r => r.Key), withName: true);
        Add(cmd, rows.Select(r => r.Value.TimeCount));
        Add(cmd, rows.Select(r => r.Value.TimeSum));
        Add(cmd, rows.Select(r => r.Value.TimeCount == 0 ? (double?)null : r.Value.TimeMin));
        Add(cmd, rows.Select(r => r.Value.TimeCount == 0 ? (double?)null : r.Value.TimeMax));
        Add(cmd, rows.Select(r => r.Value.SuccessCount));
        Add(cmd, rows.Select(r => r.Value.SuccessSum));
        cmd.ExecuteNonQuery();
    }

    private static void WriteTimes(NpgsqlConnection c, NpgsqlTransaction tx, List<KeyValuePair<SummaryKey, PredictionTimeCell>> rows)
    {
        using (var insert = new NpgsqlCommand("""
            INSERT INTO prediction_time_rollups (run_id, width, bucket, count, sum, slow, errors, sketch)
            SELECT k.r, k.w, k.b, 0, 0, 0, 0, NULL FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS k(r, w, b)
            ON CONFLICT DO NOTHING
            """, c, tx))
        {
            Keys(insert, rows.Select(r => r.Key), withName: false);
            insert.ExecuteNonQuery();
        }
        var stored = new Dictionary<(long, long, long), PredictionTimeCell>();
        using (var select = new NpgsqlCommand("""
            SELECT t.run_id, t.width, t.bucket, t.count, t.sum, t.slow, t.errors, t.sketch FROM prediction_time_rollups t
            JOIN unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS k(r, w, b) ON t.run_id = k.r AND t.width = k.w AND t.bucket = k.b
            FOR UPDATE OF t
            """, c, tx))
        {
            Keys(select, rows.Select(r => r.Key), withName: false);
            using var r = select.ExecuteReader();
            while (r.Read())
            {
                var count = r.GetInt64(3);
                stored[(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))] = new PredictionTimeCell
                {
                    Count = count, Sum = r.GetDouble(4), Slow = r.GetInt64(5), Errors = r.GetInt64(6),
                    Sketch = !r.IsDBNull(7) ? QuantileSketch.FromBytes((byte[])r.GetValue(7)) : count == 0 ? new QuantileSketch() : null,
                };
            }
        }
        var merged = rows.Select(row =>
        {
            var cell = stored[(row.Key.RunId, row.Key.Width, row.Key.Bucket)];
            cell.Merge(row.Value);
            return (row.Key, Cell: cell);
        }).ToList();
        using var update = new NpgsqlCommand("""
            UPDATE prediction_time_rollups t SET count = k.c, sum = k.s, slow = k.slow, errors = k.e, sketch = k.sketch
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::float8[], $6::bigint[], $7::bigint[], $8::bytea[])
                AS k(r, w, b, c, s, slow, e, sketch)
            WHERE t.run_id = k.r AND t.width = k.w AND t.bucket = k.b
            """, c, tx);
        Keys(update, merged.Select(m => m.Key), withName: false);
        Add(update, merged.Select(m => m.Cell.Count));
        Add(update, merged.Select(m => m.Cell.Sum));
        Add(update, merged.Select(m => m.Cell.Slow));
        Add(update, merged.Select(m => m.Cell.Errors));
        Add(update, merged.Select(m => m.Cell.Sketch?.ToBytes()));
        update.ExecuteNonQuery();
    }

    private static void Keys(NpgsqlCommand cmd, IEnumerable<SummaryKey> keys, bool withName)
    {
        var list = keys.ToList();
        Add(cmd, list.Select(k => k.RunId));
        Add(cmd, list.Select(k => k.Width));
        Add(cmd, list.Select(k => k.Bucket));
        if (withName)
        {
            Add(cmd, list.Select(k => PostgresWriteBatch.NoNul(k.Name)));
        }
    }

    private static void Add<T>(NpgsqlCommand cmd, IEnumerable<T> values) => cmd.Parameters.Add(new NpgsqlParameter { Value = values.ToArray() });
}
