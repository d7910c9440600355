using Dashboard.Storage;
using Microsoft.Data.Sqlite;

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
        // Counts come from the covering (run_id, metric_id, ts) index. Keys, their JSON types and whether a model
        // name occurs come from one scan whose DISTINCT keeps only a handful of combinations (no sort of every key).
        var counts = new Dictionary<long, long>();
        using (var cmd = Command("""
            SELECT metric_id, COUNT(*) FROM points
            WHERE run_id = $r AND ts >= $from AND ts <= $to GROUP BY metric_id
            """, ("$r", runId), ("$from", request.From), ("$to", request.To)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                counts[r.GetInt64(0)] = r.GetInt64(1);
            }
        }
        var withModel = new HashSet<long>();
        var keyStats = new List<(long MetricId, string Key, long Numeric, long Other)>();
        using (var cmd = Command("""
            SELECT DISTINCT p.metric_id, p.model_name IS NOT NULL, j.key, j.type
            FROM points p LEFT JOIN json_each(p.metadata) j
            WHERE p.run_id = $r AND p.ts >= $from AND p.ts <= $to
            """, ("$r", runId), ("$from", request.From), ("$to", request.To)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var metricId = r.GetInt64(0);
                if (r.GetInt64(1) != 0)
                {
                    withModel.Add(metricId);
                }
                if (!r.IsDBNull(2))
                {
                    var type = r.GetString(3);
                    var numeric = type is "integer" or "real";
                    keyStats.Add((metricId, r.GetString(2), numeric ? 1 : 0, numeric || type == "null" ? 0 : 1));
                }
            }
        }
        var selected = metrics.Select(m => m.Id).ToHashSet();
        var list = metrics.Select(m =>
        {
            var count = counts.GetValueOrDefault(m.Id);
            var hasModel = withModel.Contains(m.Id);
            var keys = ExportPlan.Keys(keyStats.Where(k => k.MetricId == m.Id).Select(k => (k.Key, k.Numeric, k.Other)));
            return new ExportMetric(m.Id, m.Name, count, hasModel, keys);
        }).ToList();
        var allKeys = ExportPlan.Keys(keyStats.Where(k => selected.Contains(k.MetricId)).Select(k => (k.Key, k.Numeric, k.Other)));
        return new ExportPlan(request, list, allKeys);
    }

    /// <summary>The metric's points in range, in time order, streamed from the (run_id, metric_id, ts) index.</summary>
    public IEnumerable<ExportPoint> ReadPoints(long runId, ExportMetric metric, long from, long to, CancellationToken ct)
    {
        using var cmd = Command("""
            SELECT ts, value, model_name, metadata FROM points
            WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to ORDER BY ts, rowid
            """, ("$r", runId), ("$m", metric.Id), ("$from", from), ("$to", to));
        using var r = cmd.ExecuteReader();
        var n = 0;
        while (r.Read())
        {
            if ((++n & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            yield return new ExportPoint(r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3));
        }
    }

    private List<(long Id, string Name)> GetRunMetrics(long runId)
    {
        using var cmd = Command("""
            SELECT n.id, n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r ORDER BY n.name
            """, ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1)));
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
