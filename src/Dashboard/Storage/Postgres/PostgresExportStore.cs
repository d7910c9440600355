using System.Data;
using System.Text;
using Npgsql;
using static Dashboard.Storage.Postgres.PostgresCommands;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL twin of <see cref="Sqlite.SqliteExportStore"/>: one REPEATABLE READ, read-only transaction per export
/// (the plan and the rows see one snapshot). Points are always read metric by metric through the covering index, ordered
/// by (ts, seq), so storage order is never preferred: the partitioned table has no single physical order to scan.
/// </summary>
public sealed class PostgresExportStore(NpgsqlDataSource dataSource) : IExportStore
{
    public IExportSnapshot OpenSnapshot()
    {
        var connection = dataSource.OpenConnection();
        try
        {
            return new PostgresExportSnapshot(connection, connection.BeginTransaction(IsolationLevel.RepeatableRead));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

internal sealed class PostgresExportSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction) : IExportSnapshot
{
    public long? GetRunId(string run)
    {
        using var cmd = Command(connection, "SELECT id FROM runs WHERE name = $1", run);
        return cmd.ExecuteScalar() as long?;
    }

    public List<ExportRunMetric> GetRunMetrics(long runId)
    {
        using var cmd = Command(connection, """
            SELECT n.id, n.name, m.count, m.model_points FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $1 ORDER BY n.name COLLATE "C"
            """, runId);
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
        using var cmd = Command(connection, "SELECT metric_id, key, numeric, other FROM run_metric_keys WHERE run_id = $1", runId);
        using var r = cmd.ExecuteReader();
        var list = new List<ExportKeyCount>();
        while (r.Read())
        {
            list.Add(new ExportKeyCount(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return list;
    }

    public (long Count, long ModelPoints) CountInRange(long runId, ExportRunMetric m, long from, long to)
    {
        using (var extent = Command(connection, """
            SELECT (SELECT MIN(ts) FROM points WHERE run_id = $1 AND metric_id = $2),
                   (SELECT MAX(ts) FROM points WHERE run_id = $1 AND metric_id = $2)
            """, runId, m.Id))
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
        using var count = Command(connection, """
            SELECT COUNT(*), COUNT(model_name) FROM points
            WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4
            """, runId, m.Id, from, to);
        using var c = count.ExecuteReader();
        c.Read();
        return (c.GetInt64(0), c.GetInt64(1));
    }

    public bool PrefersStorageOrder(long points) => false;

    public void ReadByMetric(long runId, IReadOnlyList<ExportSelection> metrics, long from, long to, ExportRowHandler row)
    {
        var rows = new RowReader(row);
        for (var m = 0; m < metrics.Count; m++)
        {
            var metadata = metrics[m].WithMetadata ? "metadata" : "NULL";
            using var cmd = Command(connection, $"""
                SELECT ts, value, model_name, {metadata}, seq FROM points
                WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq
                """, runId, metrics[m].MetricId, from, to);
            using var r = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
            while (r.Read())
            {
                rows.Emit(r, m);
            }
        }
    }

    /// <summary>Implemented for completeness (a sort over the run's partitions); exports here read by metric, see the class summary.</summary>
    public void ReadInStorageOrder(long runId, IReadOnlyDictionary<long, int> metrics, long from, long to, ExportRowHandler row)
    {
        var rows = new RowReader(row);
        using var cmd = Command(connection, """
            SELECT ts, value, model_name, metadata, seq, metric_id FROM points
            WHERE run_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY seq
            """, runId, from, to);
        using var r = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
        while (r.Read())
        {
            // metric_id is read last: SequentialAccess reads columns in order, so the row is read before it is known to be wanted.
            var point = rows.Read(r);
            if (metrics.TryGetValue(r.GetInt64(5), out var metric))
            {
                point.Emit(metric);
            }
        }
    }

    public void Dispose()
    {
        transaction.Dispose();
        connection.Dispose();
    }
}

/// <summary>Reads a point row (ts, value, model_name, metadata, seq) and hands it over with its metadata as UTF-8 bytes in a reused buffer.</summary>
internal sealed class RowReader(ExportRowHandler row)
{
    private byte[] _buffer = new byte[4096];
    private long _ts;
    private double _value;
    private string? _model;
    private int _length;
    private long _seq;

    public void Emit(NpgsqlDataReader r, int metric) => Read(r).Emit(metric);

    public RowReader Read(NpgsqlDataReader r)
    {
        _ts = r.GetInt64(0);
        _value = r.GetDouble(1);
        _model = r.IsDBNull(2) ? null : r.GetString(2);
        _length = 0;
        if (!r.IsDBNull(3))
        {
            var json = r.GetString(3);
            var max = Encoding.UTF8.GetMaxByteCount(json.Length);
            if (max > _buffer.Length)
            {
                _buffer = new byte[max];
            }
            _length = Encoding.UTF8.GetBytes(json, _buffer);
        }
        _seq = r.GetInt64(4);
        return this;
    }

    public void Emit(int metric) => row(metric, _ts, _value, _model, _buffer.AsSpan(0, _length), _seq);
}
