using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dashboard.Storage.Sqlite;

/// <summary>Export snapshots in SQLite: one deferred read transaction on one connection, rows read through the raw statement API.</summary>
public sealed class SqliteExportStore(SqliteConnectionFactory connections) : IExportStore
{
    public IExportSnapshot OpenSnapshot() => new SqliteExportSnapshot(connections.Open());
}

internal sealed class SqliteExportSnapshot : IExportSnapshot
{
    private const string MetricSql = """
        SELECT ts, value, model_name, metadata, rowid FROM points
        WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts
        """;

    private const string IndexOnlySql = """
        SELECT ts, value, model_name, NULL, rowid FROM points
        WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    public SqliteExportSnapshot(SqliteConnection connection)
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

    public List<ExportRunMetric> GetRunMetrics(long runId)
    {
        using var cmd = Command("""
            SELECT n.id, n.name, m.count, m.model_points FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r ORDER BY n.name
            """, ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<ExportRunMetric>();
        while (r.Read())
        {
            list.Add(new ExportRunMetric(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return list;
    }

    public List<ExportKeyCount> GetKeyCounts(long runId)
    {
        using var cmd = Command("SELECT metric_id, key, numeric, other FROM run_metric_keys WHERE run_id = $r", ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<ExportKeyCount>();
        while (r.Read())
        {
            list.Add(new ExportKeyCount(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return list;
    }

    /// <summary>Two index seeks tell whether the range covers the extent; else a count over the covering index (no table row is read).</summary>
    public (long Count, long ModelPoints) CountInRange(long runId, ExportRunMetric m, long from, long to)
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

    /// <summary>
    /// When the selected points are at least a quarter of all stored points, one sequential scan of the table beats the
    /// index (each index entry costs a b-tree descent into the table, about five times a row of a plain scan).
    /// </summary>
    public bool PrefersStorageOrder(long points)
    {
        using var max = Command("SELECT MAX(rowid) FROM points");
        var stored = max.ExecuteScalar() as long? ?? 0;
        return points > 0 && points * 4 >= stored;
    }

    public void ReadByMetric(long runId, IReadOnlyList<ExportSelection> metrics, long from, long to, ExportRowHandler row)
    {
        var models = new Utf8StringCache();
        for (var m = 0; m < metrics.Count; m++)
        {
            // A metric without metadata keys (none, or only empty objects) is read from the index alone.
            using var stmt = Prepare(metrics[m].WithMetadata ? MetricSql : IndexOnlySql, runId, metrics[m].MetricId, from, to);
            while (Step(stmt))
            {
                Emit(stmt, m, models, row);
            }
        }
    }

    public void ReadInStorageOrder(long runId, IReadOnlyDictionary<long, int> metrics, long from, long to, ExportRowHandler row)
    {
        var models = new Utf8StringCache();
        using var stmt = Prepare("""
            SELECT ts, value, model_name, metadata, rowid, metric_id FROM points NOT INDEXED
            WHERE run_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY rowid
            """, runId, from, to);
        while (Step(stmt))
        {
            if (metrics.TryGetValue(raw.sqlite3_column_int64(stmt, 5), out var metric))
            {
                Emit(stmt, metric, models, row);
            }
        }
    }

    private static void Emit(sqlite3_stmt stmt, int metric, Utf8StringCache models, ExportRowHandler row)
    {
        var model = raw.sqlite3_column_type(stmt, 2) == raw.SQLITE_NULL ? null : models.Get(raw.sqlite3_column_blob(stmt, 2));
        // Empty for NULL: no metadata either way.
        row(metric, raw.sqlite3_column_int64(stmt, 0), raw.sqlite3_column_double(stmt, 1), model, raw.sqlite3_column_blob(stmt, 3),
            raw.sqlite3_column_int64(stmt, 4));
    }

    private sqlite3_stmt Prepare(string sql, params long[] parameters)
    {
        var db = _connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var stmt));
        for (var i = 0; i < parameters.Length; i++)
        {
            Check(db, raw.sqlite3_bind_int64(stmt, i + 1, parameters[i]));
        }
        return stmt;
    }

    private bool Step(sqlite3_stmt stmt)
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
