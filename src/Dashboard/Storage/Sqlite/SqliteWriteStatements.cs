using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The writer's prepared statements: built once per connection, re-bound per row.</summary>
internal sealed class SqliteWriteStatements : IDisposable
{
    private readonly SqliteRawStatement _insertPoint;
    private readonly SqliteRawStatement _insertEventId;
    private readonly SqliteCommand _insertNonFinite;
    private readonly SqliteCommand _insertLog;
    private readonly SqliteCommand _touchRun;
    private readonly SqliteCommand _upsertRunMetric;
    private readonly SqliteCommand _upsertKey;
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _tx;

    public SqliteWriteStatements(SqliteConnection connection)
    {
        _connection = connection;
        // The two statements run per point and per event id: through SQLite's API, without per-row allocations.
        _insertPoint = new SqliteRawStatement(connection, "INSERT INTO points (run_id, metric_id, ts, value, model_name, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _insertEventId = new SqliteRawStatement(connection, "INSERT OR IGNORE INTO event_ids (run_id, event_id) VALUES (?1, ?2)");
        _insertNonFinite = Prepare("INSERT INTO nonfinite_points (run_id, metric_id, ts, value, model_name, metadata) VALUES ($r, $m, $t, $v, $model, $meta)",
            "$r", "$m", "$t", "$v", "$model", "$meta");
        _insertLog = Prepare("INSERT INTO logs (run_id, ts, level, message, data) VALUES ($r, $t, $level, $msg, $data)",
            "$r", "$t", "$level", "$msg", "$data");
        _touchRun = Prepare("""
            UPDATE runs SET event_count = event_count + $n,
                first_ts = CASE WHEN $first IS NULL THEN first_ts WHEN first_ts IS NULL OR $first < first_ts THEN $first ELSE first_ts END,
                last_ts = CASE WHEN $last IS NULL THEN last_ts WHEN last_ts IS NULL OR $last > last_ts THEN $last ELSE last_ts END,
                last_received_at = $now
            WHERE id = $r
            RETURNING event_count
            """, "$r", "$n", "$first", "$last", "$now");
        _upsertRunMetric = Prepare("""
            INSERT INTO run_metrics (run_id, metric_id, count, sum, min, max, last_value, last_ts, model_points)
            VALUES ($r, $m, $c, $s, $min, $max, $lv, $lt, $mp)
            ON CONFLICT (run_id, metric_id) DO UPDATE SET
                count = count + excluded.count,
                model_points = model_points + excluded.model_points,
                sum = sum + excluded.sum,
                min = MIN(min, excluded.min),
                max = MAX(max, excluded.max),
                last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
                last_ts = MAX(last_ts, excluded.last_ts)
            """, "$r", "$m", "$c", "$s", "$min", "$max", "$lv", "$lt", "$mp");
        _upsertKey = Prepare("""
            INSERT INTO run_metric_keys (run_id, metric_id, key, numeric, other) VALUES ($r, $m, $k, $n, $o)
            ON CONFLICT (run_id, metric_id, key) DO UPDATE SET numeric = numeric + excluded.numeric, other = other + excluded.other
            """, "$r", "$m", "$k", "$n", "$o");
    }

    public void Use(SqliteTransaction tx)
    {
        _tx = tx;
        foreach (var c in new[] { _insertNonFinite, _insertLog, _touchRun, _upsertRunMetric, _upsertKey })
        {
            c.Transaction = tx;
        }
    }

    public void InsertPoint(long runId, long metricId, MetricPoint p)
    {
        _insertPoint.Bind(1, runId);
        _insertPoint.Bind(2, metricId);
        _insertPoint.Bind(3, p.Timestamp);
        _insertPoint.Bind(4, p.Value);
        _insertPoint.BindRepeated(5, p.ModelName);
        _insertPoint.Bind(6, p.MetadataJson);
        _insertPoint.Execute();
    }

    /// <summary>False when the id is already stored for the run (a duplicate).</summary>
    /// <summary>A NaN or infinite point, kept apart from the finite ones (see migration 7).</summary>
    public void InsertNonFinite(long runId, long metricId, MetricPoint p)
    {
        var ps = _insertNonFinite.Parameters;
        ps[0].Value = runId;
        ps[1].Value = metricId;
        ps[2].Value = p.Timestamp;
        ps[3].Value = double.IsNaN(p.Value) ? "NaN" : p.Value > 0 ? "Infinity" : "-Infinity";
        ps[4].Value = (object?)p.ModelName ?? DBNull.Value;
        ps[5].Value = (object?)p.MetadataJson ?? DBNull.Value;
        _insertNonFinite.ExecuteNonQuery();
    }

    public bool TryAddEventId(long runId, string id)
    {
        _insertEventId.Bind(1, runId);
        _insertEventId.Bind(2, id);
        return _insertEventId.Execute() == 1;
    }

    public void InsertLog(long runId, LogRecord log)
    {
        var ps = _insertLog.Parameters;
        ps[0].Value = runId;
        ps[1].Value = log.Timestamp;
        ps[2].Value = log.Level;
        ps[3].Value = log.Message;
        ps[4].Value = (object?)log.DataJson ?? DBNull.Value;
        _insertLog.ExecuteNonQuery();
    }

    /// <summary>Counts the events on the run's row; returns its event count after (see <see cref="CommittedRun.RunEvents"/>).</summary>
    public long TouchRun(long runId, int events, long? first, long? last, long now)
    {
        var ps = _touchRun.Parameters;
        ps[0].Value = runId;
        ps[1].Value = events;
        ps[2].Value = (object?)first ?? DBNull.Value;
        ps[3].Value = (object?)last ?? DBNull.Value;
        ps[4].Value = now;
        return _touchRun.ExecuteScalar() is long count ? count : 0;
    }

    public void UpsertRunMetric(long runId, long metricId, MetricDelta d)
    {
        var ps = _upsertRunMetric.Parameters;
        ps[0].Value = runId;
        ps[1].Value = metricId;
        ps[2].Value = d.Count;
        ps[3].Value = d.Sum;
        ps[4].Value = d.Min;
        ps[5].Value = d.Max;
        ps[6].Value = d.Last;
        ps[7].Value = d.LastTimestamp;
        ps[8].Value = d.ModelPoints;
        _upsertRunMetric.ExecuteNonQuery();
    }

    /// <summary>Adds a batch's counts of numeric and other non-null values of one metadata key.</summary>
    public void UpsertKey(long runId, long metricId, string key, long numeric, long other)
    {
        var ps = _upsertKey.Parameters;
        ps[0].Value = runId;
        ps[1].Value = metricId;
        ps[2].Value = key;
        ps[3].Value = numeric;
        ps[4].Value = other;
        _upsertKey.ExecuteNonQuery();
    }

    public (long Id, bool Created) EnsureRun(string name, string project, long now)
    {
        using var find = Command("SELECT id FROM runs WHERE name = $n");
        find.Parameters.AddWithValue("$n", name);
        if (find.ExecuteScalar() is long id)
        {
            return (id, false);
        }
        // An explicit id above every id still being purged: SQLite would otherwise reuse a deleted run's id (max + 1)
        // and the new run would inherit the old one's not-yet-purged points and event ids.
        using var insert = Command("""
            INSERT INTO runs (id, name, project, created_at, last_received_at)
            VALUES (1 + MAX(COALESCE((SELECT MAX(id) FROM runs), 0), COALESCE((SELECT MAX(run_id) FROM run_purges), 0)), $n, $p, $now, $now)
            RETURNING id
            """);
        insert.Parameters.AddWithValue("$n", name);
        insert.Parameters.AddWithValue("$p", project);
        insert.Parameters.AddWithValue("$now", now);
        return ((long)insert.ExecuteScalar()!, true);
    }

    public long EnsureMetric(string name)
    {
        using var upsert = Command("INSERT INTO metric_names (name) VALUES ($n) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id");
        upsert.Parameters.AddWithValue("$n", name);
        return (long)upsert.ExecuteScalar()!;
    }

    private SqliteCommand Command(string sql)
    {
        var c = _connection.CreateCommand();
        c.CommandText = sql;
        c.Transaction = _tx;
        return c;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var c = _connection.CreateCommand();
        c.CommandText = sql;
        foreach (var name in parameters)
        {
            c.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        c.Prepare();
        return c;
    }

    public void Dispose()
    {
        _insertPoint.Dispose();
        _insertEventId.Dispose();
        _insertNonFinite.Dispose();
        _insertLog.Dispose();
        _touchRun.Dispose();
        _upsertRunMetric.Dispose();
        _upsertKey.Dispose();
    }
}
