using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Writes a transaction's rollup rows, event seconds and token rollups inside the points' transaction, so a reader
/// never sees points without their rollups: two round trips per batch whatever its size. Sketches merge in C# (their
/// format is C#): the existing sketches of the batch's keys are read first and written back merged. That read is safe
/// against a second instance because the batch already holds its runs' rows (PostgresWriteBatch.SaveCounters updates
/// them first): another writer of the same run waits for this commit, then reads what it wrote.
/// </summary>
internal static class PostgresRollupWriter
{
    public static void Write(NpgsqlConnection c, NpgsqlTransaction tx, RollupAccumulator rollups)
    {
        using var batch = new NpgsqlBatch(c, tx);
        if (rollups.Cells.Count > 0)
        {
            batch.BatchCommands.Add(UpsertCells(c, tx, rollups.Cells.ToList()));
        }
        if (rollups.Events.Count > 0)
        {
            var events = rollups.Events.ToList();
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO run_event_seconds AS e (run_id, second, events)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
                ON CONFLICT (run_id, second) DO UPDATE SET events = e.events + excluded.events
                """);
            Add(upsert, events.Select(x => x.Key.RunId).ToArray());
            Add(upsert, events.Select(x => x.Key.Second).ToArray());
            Add(upsert, events.Select(x => x.Value).ToArray());
            batch.BatchCommands.Add(upsert);
        }
        if (rollups.Tokens.Count > 0)
        {
            var tokens = rollups.Tokens.ToList();
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO token_rollups AS k (run_id, width, bucket, model, judge, prompt, completion, total, total_value, events, derived)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::boolean[], $6::bigint[], $7::bigint[],
                    $8::bigint[], $9::float8[], $10::bigint[], $11::bigint[])
                ON CONFLICT (run_id, width, bucket, model, judge) DO UPDATE SET
                    prompt = k.prompt + excluded.prompt, completion = k.completion + excluded.completion, total = k.total + excluded.total,
                    total_value = k.total_value + excluded.total_value, events = k.events + excluded.events, derived = k.derived + excluded.derived
                """);
            Add(upsert, tokens.Select(x => x.Key.RunId).ToArray());
            Add(upsert, tokens.Select(x => x.Key.Width).ToArray());
            Add(upsert, tokens.Select(x => x.Key.Bucket).ToArray());
            Add(upsert, tokens.Select(x => PostgresWriteBatch.NoNul(x.Key.Model)).ToArray());
            Add(upsert, tokens.Select(x => x.Key.Judge).ToArray());
            Add(upsert, tokens.Select(x => x.Value.Prompt).ToArray());
            Add(upsert, tokens.Select(x => x.Value.Completion).ToArray());
            Add(upsert, tokens.Select(x => x.Value.Total).ToArray());
            Add(upsert, tokens.Select(x => x.Value.TotalValue).ToArray());
            Add(upsert, tokens.Select(x => x.Value.Events).ToArray());
            Add(upsert, tokens.Select(x => x.Value.Derived).ToArray());
            batch.BatchCommands.Add(upsert);
        }
        if (batch.BatchCommands.Count > 0)
        {
            batch.ExecuteNonQuery();
        }
    }

    /// <summary>The cells' upsert, each sketch already merged with the stored one (read here, in this transaction).</summary>
    private static NpgsqlBatchCommand UpsertCells(NpgsqlConnection c, NpgsqlTransaction tx, List<KeyValuePair<RollupKey, RollupCell>> cells)
    {
        var runs = cells.Select(x => x.Key.RunId).ToArray();
        var metrics = cells.Select(x => x.Key.MetricId).ToArray();
        var widths = cells.Select(x => x.Key.Width).ToArray();
        var buckets = cells.Select(x => x.Key.Bucket).ToArray();
        var models = cells.Select(x => PostgresWriteBatch.NoNul(x.Key.Model)).ToArray();
        var sketches = new byte[cells.Count][];
        using (var read = new NpgsqlCommand("""
            SELECT k.i, p.sketch FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) WITH ORDINALITY AS k(r, m, w, b, model, i)
            JOIN point_rollups p ON p.run_id = k.r AND p.metric_id = k.m AND p.width = k.w AND p.bucket = k.b AND p.model = k.model
            """, c, tx))
        {
            foreach (var values in new object[] { runs, metrics, widths, buckets, models })
            {
                read.Parameters.Add(new NpgsqlParameter { Value = values });
            }
            using var r = read.ExecuteReader();
            while (r.Read())
            {
                var i = (int)r.GetInt64(0) - 1;
                var merged = QuantileSketch.FromBytes((byte[])r.GetValue(1));
                merged.Merge(cells[i].Value.Sketch);
                sketches[i] = merged.ToBytes();
            }
        }
        for (var i = 0; i < sketches.Length; i++)
        {
            sketches[i] ??= cells[i].Value.Sketch.ToBytes();
        }
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO point_rollups AS p (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::float8[],
                $8::float8[], $9::float8[], $10::bigint[], $11::bytea[])
            ON CONFLICT (run_id, metric_id, width, bucket, model) DO UPDATE SET
                count = p.count + excluded.count, sum = p.sum + excluded.sum,
                min = LEAST(p.min, excluded.min), max = GREATEST(p.max, excluded.max),
                int_sum = p.int_sum + excluded.int_sum, sketch = excluded.sketch
            """);
        Add(upsert, runs);
        Add(upsert, metrics);
        Add(upsert, widths);
        Add(upsert, buckets);
        Add(upsert, models);
        Add(upsert, cells.Select(x => x.Value.Count).ToArray());
        Add(upsert, cells.Select(x => x.Value.Sum).ToArray());
        Add(upsert, cells.Select(x => x.Value.Min).ToArray());
        Add(upsert, cells.Select(x => x.Value.Max).ToArray());
        Add(upsert, cells.Select(x => x.Value.IntSum).ToArray());
        Add(upsert, sketches);
        return upsert;
    }

    private static void Add(NpgsqlBatchCommand command, object values) => command.Parameters.Add(new NpgsqlParameter { Value = values });
}
