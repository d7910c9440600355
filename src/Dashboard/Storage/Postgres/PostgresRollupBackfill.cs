using Dashboard.Storage.Rollups;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Fills the rollup tables from stored points: at schema steps 12 and 13 (a store written before rollups) and after
/// <c>migrate --to postgresql</c> (rollups are derived, so they are rebuilt rather than copied). Event seconds and token
/// rollups are plain SQL (the same grouping as SQLite's steps); point rollups carry a sketch whose format is C#, so
/// they are folded here per run with the writer's <see cref="RollupAccumulator"/> and written with binary COPY.
/// Runs inside the caller's transaction: all or nothing, so an interrupted backfill simply starts again.
/// </summary>
internal static class PostgresRollupBackfill
{
    /// <summary>run_event_seconds: distinct event times per run and second (every stored event has a point at its time).</summary>
    public const string EventSecondsSql = """
        INSERT INTO run_event_seconds (run_id, second, events)
        SELECT run_id, s, COUNT(DISTINCT ts) FROM (
            SELECT run_id, ts, ts - (((ts % 1000000) + 1000000) % 1000000) AS s FROM points WHERE run_id IN (SELECT id FROM runs)) x
        GROUP BY run_id, s;
        """;

    /// <summary>token_rollups: token points regrouped into events by (run, time, model), folded as <see cref="TokenCell"/> does.</summary>
    public const string TokenSql = """
        INSERT INTO token_rollups (run_id, width, bucket, model, judge, prompt, completion, total, total_value, events, derived)
        SELECT e.run_id, w.width, e.ts - (((e.ts % w.width) + w.width) % w.width), e.model, e.judge,
            SUM(trunc(COALESCE(e.p, 0))::bigint), SUM(trunc(COALESCE(e.c, 0))::bigint),
            SUM(trunc(COALESCE(e.t, COALESCE(e.p, 0) + COALESCE(e.c, 0)))::bigint),
            SUM(COALESCE(e.t, COALESCE(e.p, 0) + COALESCE(e.c, 0))), COUNT(*), COUNT(*) FILTER (WHERE e.t IS NULL)
        FROM (
            SELECT g.*,
                EXISTS (SELECT 1 FROM points q JOIN metric_names qn ON qn.id = q.metric_id
                    WHERE q.run_id = g.run_id AND qn.name = 'evaluation_time' AND q.ts = g.ts)
                AND NOT EXISTS (SELECT 1 FROM points q JOIN metric_names qn ON qn.id = q.metric_id
                    WHERE q.run_id = g.run_id AND qn.name = 'generation_time' AND q.ts = g.ts) AS judge
            FROM (
                SELECT p.run_id, p.ts, COALESCE(p.model_name, '') AS model,
                    MAX(CASE WHEN n.name = 'prompt_token_count' THEN p.value END) AS p,
                    MAX(CASE WHEN n.name = 'completion_token_count' THEN p.value END) AS c,
                    MAX(CASE WHEN n.name = 'total_token_count' THEN p.value END) AS t
                FROM points p JOIN metric_names n ON n.id = p.metric_id
                WHERE n.name IN ('prompt_token_count', 'completion_token_count', 'total_token_count')
                    AND p.run_id IN (SELECT id FROM runs)
                GROUP BY p.run_id, p.ts, 3) g
        ) e, (VALUES (1000000::bigint), (60000000::bigint), (3600000000::bigint)) w(width)
        GROUP BY e.run_id, w.width, 3, e.model, e.judge;
        """;

    /// <summary>point_rollups of every run from its stored finite points (the table must be empty).</summary>
    public static void Points(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        var runs = new List<long>();
        using (var select = new NpgsqlCommand("SELECT id FROM runs ORDER BY id", c, tx))
        using (var r = select.ExecuteReader())
        {
            while (r.Read())
            {
                runs.Add(r.GetInt64(0));
            }
        }
        var rollups = new RollupAccumulator();
        foreach (var runId in runs)
        {
            rollups.Clear();
            // In (metric, ts, seq) order, so each cell sums its values in arrival order, as the writer does.
            using (var points = new NpgsqlCommand(
                "SELECT metric_id, ts, value, model_name FROM points WHERE run_id = $1 ORDER BY metric_id, ts, seq", c, tx))
            {
                points.Parameters.Add(new NpgsqlParameter { Value = runId });
                using var r = points.ExecuteReader();
                while (r.Read())
                {
                    rollups.Add(runId, r.GetInt64(0), r.GetInt64(1), r.IsDBNull(3) ? null : r.GetString(3), r.GetDouble(2));
                }
            }
            Copy(c, rollups);
        }
    }

    /// <summary>
    /// Step 14's sketches: the SQL backfill leaves prediction_time_rollups.sketch NULL (the format is C#), which sends
    /// every processing-time percentile over such a row to the raw points. Here each run's processing times are folded
    /// into one sketch per (width, bucket), as the writer folds them (PredictionTimeCell), and written to the rows the SQL
    /// made; error-only rows (count 0) keep NULL, which readers and the writer take as an empty sketch.
    /// </summary>
    public static void PredictionTimeSketches(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        var runs = new List<long>();
        using (var select = new NpgsqlCommand("SELECT DISTINCT run_id FROM prediction_time_rollups WHERE count > 0 ORDER BY run_id", c, tx))
        using (var r = select.ExecuteReader())
        {
            while (r.Read())
            {
                runs.Add(r.GetInt64(0));
            }
        }
        long[] widths = [RollupLevels.Minute, RollupLevels.Hour];
        foreach (var runId in runs)
        {
            var sketches = new Dictionary<(long Width, long Bucket), Core.QuantileSketch>();
            using (var points = new NpgsqlCommand("""
                SELECT p.ts, p.value FROM points p JOIN metric_names n ON n.id = p.metric_id AND n.name = 'prediction_processing_time'
                WHERE p.run_id = $1
                """, c, tx))
            {
                points.Parameters.Add(new NpgsqlParameter { Value = runId });
                using var r = points.ExecuteReader();
                while (r.Read())
                {
                    var (ts, value) = (r.GetInt64(0), r.GetDouble(1));
                    foreach (var width in widths)
                    {
                        var key = (width, RollupLevels.BucketOf(ts, width));
                        (sketches.TryGetValue(key, out var sketch) ? sketch : sketches[key] = new Core.QuantileSketch()).Add(value);
                    }
                }
            }
            using var update = new NpgsqlCommand("""
                UPDATE prediction_time_rollups t SET sketch = k.sketch
                FROM unnest($2::bigint[], $3::bigint[], $4::bytea[]) AS k(w, b, sketch)
                WHERE t.run_id = $1 AND t.width = k.w AND t.bucket = k.b
                """, c, tx);
            update.Parameters.Add(new NpgsqlParameter { Value = runId });
            update.Parameters.Add(new NpgsqlParameter { Value = sketches.Keys.Select(k => k.Width).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = sketches.Keys.Select(k => k.Bucket).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = sketches.Values.Select(s => s.ToBytes()).ToArray() });
            update.ExecuteNonQuery();
        }
    }

    /// <summary>Empties the three rollup tables and fills them again from the points (after a copy from SQLite).</summary>
    public static void Rebuild(NpgsqlConnection c)
    {
        using var tx = c.BeginTransaction();
        using (var clear = new NpgsqlCommand("DELETE FROM point_rollups; DELETE FROM run_event_seconds; DELETE FROM token_rollups;", c, tx))
        {
            clear.ExecuteNonQuery();
        }
        Points(c, tx);
        using (var fill = new NpgsqlCommand(EventSecondsSql + TokenSql, c, tx))
        {
            fill.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static void Copy(NpgsqlConnection c, RollupAccumulator rollups)
    {
        if (rollups.Cells.Count == 0)
        {
            return;
        }
        using var copy = c.BeginBinaryImport(
            "COPY point_rollups (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch) FROM STDIN (FORMAT BINARY)");
        foreach (var (key, cell) in rollups.Cells)
        {
            copy.StartRow();
            copy.Write(key.RunId, NpgsqlDbType.Bigint);
            copy.Write(key.MetricId, NpgsqlDbType.Bigint);
            copy.Write(key.Width, NpgsqlDbType.Bigint);
            copy.Write(key.Bucket, NpgsqlDbType.Bigint);
            copy.Write(PostgresWriteBatch.NoNul(key.Model), NpgsqlDbType.Text);
            copy.Write(cell.Count, NpgsqlDbType.Bigint);
            copy.Write(cell.Sum, NpgsqlDbType.Double);
            copy.Write(cell.Min, NpgsqlDbType.Double);
            copy.Write(cell.Max, NpgsqlDbType.Double);
            copy.Write(cell.IntSum, NpgsqlDbType.Bigint);
            copy.Write(cell.Sketch.ToBytes(), NpgsqlDbType.Bytea);
        }
        copy.Complete();
    }
}
