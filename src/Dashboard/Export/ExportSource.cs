using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dashboard.Export;

/// <summary>
/// Reads an export from SQLite inside one read transaction, so the plan (counts, metadata keys)
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

    /// <summary>
    /// What the header needs, per metric: its point count in range, whether any point has a model name, and its metadata
    /// keys. No pass over the points: the writer keeps per run and metric the point count, how many have a model name
    /// (run_metrics) and per metadata key how many values are numbers or other non-null values (run_metric_keys).
    /// </summary>
    public ExportPlan GetPlan(long runId, ExportRequest request)
    {
        var metrics = GetRunMetrics(runId);
        if (request.Names is { } names)
        {
            var wanted = names.ToHashSet(StringComparer.Ordinal);
            metrics = metrics.Where(m => wanted.Contains(m.Name)).ToList();
        }
        var keyStats = GetKeys(runId);
        var list = new List<ExportMetric>(metrics.Count);
        foreach (var m in metrics)
        {
            var (count, modelPoints) = CountInRange(runId, m, request.From, request.To);
            // The keys are those of the run's whole extent: for a narrower range a key may have no value in range and
            // then becomes an all-null column (acceptable; counting keys in range would mean reading every point).
            var keys = count == 0 ? [] : ExportPlan.Keys(keyStats.Where(k => k.MetricId == m.Id).Select(k => (k.Key, k.Numeric, k.Other)));
            list.Add(new ExportMetric(m.Id, m.Name, count, modelPoints > 0, keys));
        }
        var present = list.Where(m => m.Count > 0).Select(m => m.Id).ToHashSet();
        var allKeys = ExportPlan.Keys(keyStats.Where(k => present.Contains(k.MetricId)).Select(k => (k.Key, k.Numeric, k.Other)));
        // One-table formats read a wide export with one scan in storage order: no index, no table lookup per row. When
        // the selected points are at least a quarter of all stored points, one sequential scan of the table beats the
        // index (each index entry costs a b-tree descent into the table, about five times a row of a plain scan).
        var wide = false;
        if (request.Format is ExportFormat.Parquet or ExportFormat.CsvLong)
        {
            using var max = Command("SELECT MAX(rowid) FROM points");
            var stored = max.ExecuteScalar() as long? ?? 0;
            var total = list.Sum(m => m.Count);
            wide = total > 0 && total * 4 >= stored;
        }
        return new ExportPlan(request, list, allKeys) { TableOrder = wide };
    }

    /// <summary>
    /// Points in [from, to] and how many of them have a model name: the stored running counts when the range covers
    /// the metric's whole extent (two index seeks tell), else a count over the covering index (no table row is read).
    /// </summary>
    private (long Count, long ModelPoints) CountInRange(long runId, RunMetric m, long from, long to)
    {
        using (var extent = Command("""
            SELECT (SELECT MIN(ts) FROM points WHERE run_id = $r AND metric_id = $m),
                   (SELECT MAX(ts) FROM points WHERE run_id = $r AND metric_id = $m)
            """, ("$r", runId), ("$m", m.Id)))
        using (var r = extent.ExecuteReader())
        {
            r.Read();
            if (r.IsDBNull(0))
            {
                return (0, 0);
            }
            if (from <= r.GetInt64(0) && to >= r.GetInt64(1))
            {
                return (m.Count, m.ModelPoints);
            }
        }
        using var count = Command("""
            SELECT COUNT(*), COUNT(model_name) FROM points
            WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to
            """, ("$r", runId), ("$m", m.Id), ("$from", from), ("$to", to));
        using var c = count.ExecuteReader();
        c.Read();
        return (c.GetInt64(0), c.GetInt64(1));
    }

    private List<(long MetricId, string Key, long Numeric, long Other)> GetKeys(long runId)
    {
        using var cmd = Command("SELECT metric_id, key, numeric, other FROM run_metric_keys WHERE run_id = $r", ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, long, long)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return list;
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

    private readonly record struct RunMetric(long Id, string Name, long Count, long ModelPoints);

    private List<RunMetric> GetRunMetrics(long runId)
    {
        using var cmd = Command("""
            SELECT n.id, n.name, m.count, m.model_points FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r ORDER BY n.name
            """, ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<RunMetric>();
        while (r.Read())
        {
            list.Add(new RunMetric(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return list;
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = SqliteCommands.Command(_connection, sql, parameters);
        cmd.Transaction = _transaction;
        return cmd;
    }

    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }
}
