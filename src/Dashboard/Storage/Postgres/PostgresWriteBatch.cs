using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Storage.Postgres;

/// <summary>One transaction's rows, buffered while the writer decides what is new, then sent with binary COPY.</summary>
internal sealed class PostgresWriteBatch(NpgsqlConnection connection, NpgsqlTransaction tx)
{
    private readonly List<(long Run, long Metric, MetricPoint Point)> _points = [];
    private readonly List<(long Run, long Metric, MetricPoint Point)> _nonFinite = [];
    private readonly List<(long Run, LogRecord Log)> _logs = [];

    /// <summary>Inserts every id at once; returns those that were not stored before (each once, however often sent).</summary>
    public HashSet<(long, string)> ClaimIds(List<(long Run, string Id)> ids)
    {
        var fresh = new HashSet<(long, string)>();
        if (ids.Count == 0)
        {
            return fresh;
        }
        using var insert = new NpgsqlCommand("""
            INSERT INTO event_ids (run_id, event_id) SELECT * FROM unnest($1::bigint[], $2::text[])
            ON CONFLICT DO NOTHING RETURNING run_id, event_id
            """, connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = ids.Select(i => i.Run).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = ids.Select(i => NoNul(i.Id)).ToArray() });
        using var reader = insert.ExecuteReader();
        while (reader.Read())
        {
            fresh.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        // Ids with a NUL were stored with U+FFFD; map them back so the writer finds them by the id it was sent.
        foreach (var (run, id) in ids)
        {
            if (id.Contains('\0') && fresh.Remove((run, NoNul(id))))
            {
                fresh.Add((run, id));
            }
        }
        return fresh;
    }

    public void AddPoint(long runId, long metricId, MetricPoint p) => _points.Add((runId, metricId, p));

    public void AddNonFinite(long runId, long metricId, MetricPoint p) => _nonFinite.Add((runId, metricId, p));

    public void AddLog(long runId, LogRecord log) => _logs.Add((runId, log));

    /// <summary>
    /// The prediction and pipeline summary rollups of the batch's points, for the counters' batch: after the runs'
    /// UPDATEs, so their rows are written while the batch holds its runs' rows (never waited for while another writer
    /// holds a run this batch needs).
    /// </summary>
    public PostgresSummaryRollupWriter Summaries() => new(_points);

    public void CopyRows()
    {
        // seq comes from its default (a cached sequence) in COPY order, so equal timestamps keep arrival order.
        if (_points.Count > 0)
        {
            using var copy = connection.BeginBinaryImport(
                "COPY points (run_id, metric_id, ts, value, model_name, metadata) FROM STDIN (FORMAT BINARY)");
            foreach (var (run, metric, p) in _points)
            {
                copy.StartRow();
                copy.Write(run, NpgsqlDbType.Bigint);
                copy.Write(metric, NpgsqlDbType.Bigint);
                copy.Write(p.Timestamp, NpgsqlDbType.Bigint);
                copy.Write(p.Value, NpgsqlDbType.Double);
                WriteText(copy, p.ModelName);
                WriteText(copy, p.MetadataJson);
            }
            copy.Complete();
        }
        if (_nonFinite.Count > 0)
        {
            using var copy = connection.BeginBinaryImport(
                "COPY nonfinite_points (run_id, metric_id, ts, value, model_name, metadata) FROM STDIN (FORMAT BINARY)");
            foreach (var (run, metric, p) in _nonFinite)
            {
                copy.StartRow();
                copy.Write(run, NpgsqlDbType.Bigint);
                copy.Write(metric, NpgsqlDbType.Bigint);
                copy.Write(p.Timestamp, NpgsqlDbType.Bigint);
                copy.Write(double.IsNaN(p.Value) ? "NaN" : p.Value > 0 ? "Infinity" : "-Infinity", NpgsqlDbType.Text);
                WriteText(copy, p.ModelName);
                WriteText(copy, p.MetadataJson);
            }
            copy.Complete();
        }
        if (_logs.Count > 0)
        {
            using var copy = connection.BeginBinaryImport("COPY logs (run_id, ts, level, message, data) FROM STDIN (FORMAT BINARY)");
            foreach (var (run, log) in _logs)
            {
                copy.StartRow();
                copy.Write(run, NpgsqlDbType.Bigint);
                copy.Write(log.Timestamp, NpgsqlDbType.Bigint);
                copy.Write(NoNul(log.Level), NpgsqlDbType.Text);
                copy.Write(NoNul(log.Message), NpgsqlDbType.Text);
                WriteText(copy, log.DataJson);
            }
            copy.Complete();
        }
    }

    /// <summary>
    /// Runs' counters, per-metric totals and metadata key counts as one batch of upserts, for the writer to add its rollups
    /// to and send in one round trip. The runs' UPDATEs come first, in id order (as <see cref="LockRuns"/> takes them),
    /// each returning the run's id and event count after it (<see cref="ReadRunCounts"/>).
    /// </summary>
    public NpgsqlBatch Counters(Dictionary<long, CommittedRun> runs, Dictionary<long, Dictionary<string, long>> metricIds,
        Dictionary<(long Run, long Metric, string Key), (long Numeric, long Other)> keys, Dictionary<long, RunTouch> touches, long now)
    {
        var batch = new NpgsqlBatch(connection, tx);
        foreach (var (runId, t) in touches.OrderBy(t => t.Key))
        {
            var touch = new NpgsqlBatchCommand("""
                UPDATE runs SET event_count = event_count + $2,
                    first_ts = CASE WHEN $3::bigint IS NULL THEN first_ts ELSE LEAST(first_ts, $3) END,
                    last_ts = CASE WHEN $4::bigint IS NULL THEN last_ts ELSE GREATEST(last_ts, $4) END,
                    last_received_at = $5
                WHERE id = $1
                RETURNING id, event_count
                """);
            touch.Parameters.Add(new NpgsqlParameter { Value = runId });
            touch.Parameters.Add(new NpgsqlParameter { Value = t.Events });
            touch.Parameters.Add(new NpgsqlParameter { Value = t.Events > 0 ? t.First : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            touch.Parameters.Add(new NpgsqlParameter { Value = t.Events > 0 ? t.Last : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            touch.Parameters.Add(new NpgsqlParameter { Value = now });
            batch.BatchCommands.Add(touch);
        }
        var rows = runs.SelectMany(r => r.Value.Metrics.Select(m => (Run: r.Key, Metric: metricIds[r.Key][m.Key], Delta: m.Value))).ToList();
        if (rows.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO run_metrics AS r (run_id, metric_id, count, sum, min, max, last_value, last_ts, model_points)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[],
                    $7::float8[], $8::bigint[], $9::bigint[])
                ON CONFLICT (run_id, metric_id) DO UPDATE SET
                    count = r.count + excluded.count,
                    model_points = r.model_points + excluded.model_points,
                    sum = r.sum + excluded.sum,
                    min = LEAST(r.min, excluded.min),
                    max = GREATEST(r.max, excluded.max),
                    last_value = CASE WHEN excluded.last_ts >= r.last_ts THEN excluded.last_value ELSE r.last_value END,
                    last_ts = GREATEST(r.last_ts, excluded.last_ts)
                """);
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Run).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Metric).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.Count).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.Sum).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.Min).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.Max).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.Last).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.LastTimestamp).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(x => x.Delta.ModelPoints).ToArray() });
            batch.BatchCommands.Add(upsert);
        }
        if (keys.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO run_metric_keys AS k (run_id, metric_id, key, numeric, other)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[])
                ON CONFLICT (run_id, metric_id, key) DO UPDATE SET numeric = k.numeric + excluded.numeric, other = k.other + excluded.other
                """);
            var list = keys.ToList();
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(x => x.Key.Run).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(x => x.Key.Metric).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(x => x.Key.Key).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(x => x.Value.Numeric).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(x => x.Value.Other).ToArray() });
            batch.BatchCommands.Add(upsert);
        }
        return batch;
    }

    /// <summary>
    /// Reads the runs' UPDATEs of <see cref="Counters"/> (one result each, in order): each run's event count after this
    /// batch. The UPDATE holds each run's row until commit, so a delete elsewhere either waits for this batch (and its
    /// purge then takes these points) or went first and the row is gone: then a cached run id is stale.
    /// </summary>
    public static Dictionary<long, long> ReadRunCounts(NpgsqlDataReader reader, int runs)
    {
        var counts = new Dictionary<long, long>(runs);
        for (var i = 0; i < runs; i++)
        {
            if (reader.Read())
            {
                counts[reader.GetInt64(0)] = reader.GetInt64(1);
            }
            reader.NextResult();
        }
        if (counts.Count < runs)
        {
            throw new StaleRunException();
        }
        return counts;
    }

    /// <summary>Locks the runs' rows first (in id order) and returns their event counts: the state no other writer can change until commit.</summary>
    public Dictionary<long, long> LockRuns(IEnumerable<long> runIds)
    {
        using var select = new NpgsqlCommand("SELECT id, event_count FROM runs WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, tx);
        select.Parameters.Add(new NpgsqlParameter { Value = runIds.ToArray() });
        var counts = new Dictionary<long, long>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private static void WriteText(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(NoNul(value), NpgsqlDbType.Text);
        }
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000 (SQLite's can): free text that carries one (a log message, an event id) is
    /// stored with U+FFFD in its place rather than failing every request of the batch. Names never hold control characters.
    /// </summary>
    internal static string NoNul(string value) => value.Contains('\0') ? value.Replace('\0', '\uFFFD') : value;
}

/// <summary>A run this batch wrote to was deleted (by another instance) after its id was cached: the batch is retried.</summary>
internal sealed class StaleRunException() : Exception("A run of the batch was deleted while the batch was written.");
