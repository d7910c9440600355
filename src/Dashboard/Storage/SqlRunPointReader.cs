using System.Data.Common;

namespace Dashboard.Storage;

/// <summary>
/// Raw point reads for the run page and the runs overview, written once for both providers over the (run_id, metric_id,
/// ts) index; one pooled connection per session, equal timestamps in arrival order. A provider gives its fastest series
/// read and its count of recent events.
/// </summary>
public abstract class SqlRunPointReader(SqlConnections db) : IRunPointReader
{
    private readonly SqlConnections _db = db;

    /// <summary>The provider's connections, for what it reads its own way.</summary>
    protected SqlConnections Db => _db;

    public IRunPointSession? Open(string run, CancellationToken ct = default)
    {
        var c = _db.Open();
        try
        {
            using var cmd = _db.Command(c, "SELECT id, project, last_ts FROM runs WHERE name = $1", run);
            using var r = cmd.ExecuteReader();
            if (!r.Read())
            {
                c.Dispose();
                return null;
            }
            return new Session(this, c, r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2));
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    public abstract long CountEventsSince(long runId, long since, CancellationToken ct = default);

    public List<double> GetLatestValues(long runId, string name, int limit, CancellationToken ct = default)
    {
        using var c = _db.Open();
        var values = new List<double>();
        if (_db.GetMetricId(c, name) is not { } metricId)
        {
            return values;
        }
        using var cmd = _db.Command(c, $"SELECT value FROM points WHERE run_id = $1 AND metric_id = $2 ORDER BY ts DESC, {_db.Dialect.Arrival} DESC LIMIT $3",
            runId, metricId, limit);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }

    /// <summary>Appends the metric's points in [from, to] in time order, equal times in arrival order (see <see cref="IRunPointSession.ReadPoints"/>).</summary>
    protected abstract void ReadPoints(DbConnection c, long runId, long metricId, long from, long to, List<long> times, List<double> values,
        Action<string?, double>? perModel);

    private sealed class Session(SqlRunPointReader reader, DbConnection c, long runId, string project, long? lastTs) : IRunPointSession
    {
        private readonly Dictionary<string, long?> _metricIds = new(StringComparer.Ordinal);

        public long RunId { get; } = runId;
        public string Project { get; } = project;
        public long? LastTs { get; } = lastTs;

        public void ReadPoints(string name, long from, long to, List<long> times, List<double> values, Action<string?, double>? perModel = null)
        {
            if (MetricId(name) is { } metricId)
            {
                reader.ReadPoints(c, RunId, metricId, from, to, times, values, perModel);
            }
        }

        public long CountPoints(string name, long from, long to)
        {
            if (MetricId(name) is not { } metricId)
            {
                return 0;
            }
            using var cmd = reader._db.Command(c, "SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4",
                RunId, metricId, from, to);
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public IReadOnlyList<PointWithMetadata> GetLatestWithMetadataKey(string name, string key, long from, long to, int limit)
        {
            var list = new List<PointWithMetadata>();
            if (MetricId(name) is not { } metricId)
            {
                return list;
            }
            // LIKE narrows cheaply to points whose metadata mentions the key; the caller parses the JSON.
            using var cmd = reader._db.Command(c, $"""
                SELECT ts, value, metadata FROM points
                WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND metadata LIKE $5 ESCAPE '\'
                ORDER BY ts DESC, {reader._db.Dialect.Arrival} DESC LIMIT $6
                """, RunId, metricId, from, to, "%\"" + SqlText.LikeEscape(key) + "\"%", limit);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(new PointWithMetadata(r.GetInt64(0), r.GetDouble(1), r.GetString(2)));
            }
            return list;
        }

        // One page render asks for the same few metrics many times.
        private long? MetricId(string name)
        {
            if (!_metricIds.TryGetValue(name, out var id))
            {
                _metricIds[name] = id = reader._db.GetMetricId(c, name);
            }
            return id;
        }

        public void Dispose() => c.Dispose();
    }
}
