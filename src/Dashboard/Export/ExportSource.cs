using Dashboard.Storage;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dashboard.Export;

/// <summary>
/// Reads an export from SQLite inside one read transaction, so the first pass (counts, metadata keys)
/// and the streamed points see the same snapshot even while the writer keeps committing.
/// </summary>
public sealed class ExportSource : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    public ExportSource(SqliteConnection connection)
    {
        _connection = connection;
        // Exports read most of the file: map it (256 MiB at most) instead of copying every page through read().
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA mmap_size = 268435456";
            pragma.ExecuteNonQuery();
        }
        _transaction = connection.BeginTransaction(deferred: true);
    }

    public long? GetRunId(string run)
    {
        using var cmd = Command("SELECT id FROM runs WHERE name = $run", ("$run", run));
        return cmd.ExecuteScalar() as long?;
    }

    /// <summary>The run's metric names (all, or those asked for) that were never stored for it.</summary>
    public IReadOnlyList<string> GetUnknownNames(long runId, IReadOnlyList<string> names)
    {
        var known = GetRunMetrics(runId).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return names.Where(n => !known.Contains(n)).ToList();
    }

    /// <summary>The first pass: per metric its point count in range, whether any point has a model name, and its metadata keys.</summary>
    public ExportPlan GetPlan(long runId, ExportRequest request)
    {
        var metrics = GetRunMetrics(runId);
        if (request.Names is { } names)
        {
            var wanted = names.ToHashSet(StringComparer.Ordinal);
            metrics = metrics.Where(m => wanted.Contains(m.Name)).ToList();
        }
        var (counts, withModel, keyStats, wide) = Scan(runId, metrics, request.From, request.To);
        var selected = metrics.Select(m => m.Id).ToHashSet();
        var list = metrics.Select(m =>
        {
            var count = counts.GetValueOrDefault(m.Id);
            var hasModel = withModel.Contains(m.Id);
            var keys = ExportPlan.Keys(keyStats.Where(k => k.MetricId == m.Id).Select(k => (k.Key, k.Numeric, k.Other)));
            return new ExportMetric(m.Id, m.Name, count, hasModel, keys);
        }).ToList();
        var allKeys = ExportPlan.Keys(keyStats.Where(k => selected.Contains(k.MetricId)).Select(k => (k.Key, k.Numeric, k.Other)));
        // One-table formats read a wide export with one scan in storage order: no index, no table lookup per row.
        return new ExportPlan(request, list, allKeys) { TableOrder = wide && request.Format is ExportFormat.Parquet or ExportFormat.CsvLong };
    }

    /// <summary>
    /// The first pass, per selected metric: points in range, whether any has a model name, and per metadata key whether
    /// numbers and whether other non-null values occur. Each metadata object is read with Utf8JsonReader on SQLite's
    /// own bytes (no string, no json_each table per row), and skipped when equal to the metric's previous one.
    /// When the selected metrics hold at least a quarter of all stored points, one sequential scan of the table beats
    /// the index (each index entry costs a b-tree descent into the table, about five times a row of a plain scan).
    /// </summary>
    private (Dictionary<long, long> Counts, HashSet<long> WithModel, List<(long MetricId, string Key, long Numeric, long Other)> Keys, bool Wide)
        Scan(long runId, List<(long Id, string Name, long Count)> metrics, long from, long to)
    {
        var counts = new Dictionary<long, long>();
        var withModel = new HashSet<long>();
        var stats = new Dictionary<(long MetricId, string Key), (bool Numeric, bool Other)>();
        var names = new Utf8StringCache();
        // Per selected metric, by its position: one dictionary lookup per row (id -> position), then arrays.
        var positions = metrics.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var rowCounts = new long[metrics.Count];
        var models = new bool[metrics.Count];
        var last = new byte[]?[metrics.Count];
        using (var max = Command("SELECT MAX(rowid) FROM points"))
        {
            var stored = max.ExecuteScalar() as long? ?? 0;
            var wanted = metrics.Sum(m => m.Count);
            if (wanted * 4 >= stored)
            {
                using var stmt = Prepare("""
                    SELECT metric_id, model_name IS NOT NULL, metadata FROM points NOT INDEXED
                    WHERE run_id = ?1 AND ts >= ?2 AND ts <= ?3
                    """, runId, from, to);
                while (Step(stmt))
                {
                    if (positions.TryGetValue(raw.sqlite3_column_int64(stmt, 0), out var position))
                    {
                        Row(stmt, position);
                    }
                }
                return Result(true);
            }
        }
        for (var position = 0; position < metrics.Count; position++)
        {
            var id = metrics[position].Id;
            using var stmt = Prepare("""
                SELECT metric_id, model_name IS NOT NULL, metadata FROM points
                WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4
                """, runId, id, from, to);
            while (Step(stmt))
            {
                Row(stmt, position);
            }
        }
        return Result(false);

        (Dictionary<long, long>, HashSet<long>, List<(long, string, long, long)>, bool) Result(bool wide)
        {
            for (var i = 0; i < metrics.Count; i++)
            {
                if (rowCounts[i] > 0)
                {
                    counts[metrics[i].Id] = rowCounts[i];
                }
                if (models[i])
                {
                    withModel.Add(metrics[i].Id);
                }
            }
            var keys = stats.Select(kv => (kv.Key.MetricId, kv.Key.Key, kv.Value.Numeric ? 1L : 0, kv.Value.Other ? 1L : 0)).ToList();
            return (counts, withModel, keys, wide);
        }

        void Row(sqlite3_stmt stmt, int position)
        {
            rowCounts[position]++;
            if (raw.sqlite3_column_int64(stmt, 1) != 0)
            {
                models[position] = true;
            }
            var json = raw.sqlite3_column_blob(stmt, 2); // empty for NULL
            if (json.IsEmpty)
            {
                return;
            }
            var metricId = metrics[position].Id;
            ref var previous = ref last[position];
            if (previous is not null && json.SequenceEqual(previous))
            {
                return;
            }
            previous = json.Length <= 4096 ? json.ToArray() : null;
            var reader = new Utf8JsonReader(json);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.ValueIsEscaped ? reader.GetString()! : names.Get(reader.ValueSpan);
                    reader.Read();
                    var numeric = reader.TokenType == JsonTokenType.Number;
                    var other = !numeric && reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                    ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(stats, (metricId, key), out _);
                    s = (s.Numeric || numeric, s.Other || other);
                }
            }
            catch (JsonException)
            {
                // Stored metadata is validated JSON; a damaged object contributes the keys read before the damage.
            }
        }
    }

    internal sqlite3_stmt Prepare(string sql, params long[] parameters)
    {
        var db = _connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var stmt));
        for (var i = 0; i < parameters.Length; i++)
        {
            Check(db, raw.sqlite3_bind_int64(stmt, i + 1, parameters[i]));
        }
        return stmt;
    }

    internal bool Step(sqlite3_stmt stmt)
    {
        var rc = raw.sqlite3_step(stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        Check(_connection.Handle!, rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
        return false;
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }

    private List<(long Id, string Name, long Count)> GetRunMetrics(long runId)
    {
        using var cmd = Command("""
            SELECT n.id, n.name, m.count FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r ORDER BY n.name
            """, ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, long)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1), r.GetInt64(2)));
        }
        return list;
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = PointQueries.Command(_connection, sql, parameters);
        cmd.Transaction = _transaction;
        return cmd;
    }

    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }
}
