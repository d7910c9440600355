using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL twin of the SQLite run point reader: one pooled connection per session, series reads index-only on
/// (run_id, metric_id, ts, seq) INCLUDE (value, model_name), equal timestamps in arrival order (seq, SQLite's rowid).
/// </summary>
public sealed class PostgresRunPointReader(NpgsqlDataSource data) : IRunPointReader
{
    public IRunPointSession? Open(string run, CancellationToken ct = default)
    {
        var c = data.OpenConnection();
        try
        {
            using var cmd = PostgresCommands.Command(c, "SELECT id, project, last_ts FROM runs WHERE name = $1", run);
            using var r = cmd.ExecuteReader();
            if (!r.Read())
            {
                c.Dispose();
                return null;
            }
            return new Session(c, r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2));
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>Events (with at least one point) timed at or after the start of the second holding <paramref name="since"/>: at most 61 rollup rows a minute.</summary>
    public long CountEventsSince(long runId, long since, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, "SELECT COALESCE(SUM(events), 0)::bigint FROM run_event_seconds WHERE run_id = $1 AND second >= $2",
            runId, Rollups.RollupLevels.BucketOf(since, Rollups.RollupLevels.Second));
        return (long)cmd.ExecuteScalar()!;
    }

    public List<double> GetLatestValues(long runId, string name, int limit, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        var values = new List<double>();
        if (PostgresMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return values;
        }
        using var cmd = PostgresCommands.Command(c,
            "SELECT value FROM points WHERE run_id = $1 AND metric_id = $2 ORDER BY ts DESC, seq DESC LIMIT $3",
            runId, metricId, limit);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }

    private sealed class Session(NpgsqlConnection c, long runId, string project, long? lastTs) : IRunPointSession
    {
        private readonly Dictionary<string, long?> _metricIds = new(StringComparer.Ordinal);

        public long RunId { get; } = runId;
        public string Project { get; } = project;
        public long? LastTs { get; } = lastTs;

        public void ReadPoints(string name, long from, long to, List<long> times, List<double> values, Action<string?, double>? perModel = null)
        {
            if (MetricId(name) is not { } metricId)
            {
                return;
            }
            using var cmd = PostgresCommands.Command(c, perModel is null
                ? "SELECT ts, value FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq"
                : "SELECT ts, value, model_name FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq",
                RunId, metricId, from, to);
            using var r = cmd.ExecuteReader();
            string? lastModel = null;
            while (r.Read())
            {
                var value = r.GetDouble(1);
                times.Add(r.GetInt64(0));
                values.Add(value);
                if (perModel is not null)
                {
                    string? model = null;
                    if (!r.IsDBNull(2))
                    {
                        // Most points of a run carry the same few model names: reuse the string.
                        var m = r.GetString(2);
                        model = m == lastModel ? lastModel : lastModel = m;
                    }
                    perModel(model, value);
                }
            }
        }

        public long CountPoints(string name, long from, long to)
        {
            if (MetricId(name) is not { } metricId)
            {
                return 0;
            }
            using var cmd = PostgresCommands.Command(c,
                "SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4", RunId, metricId, from, to);
            return (long)cmd.ExecuteScalar()!;
        }

        public IReadOnlyList<PointWithMetadata> GetLatestWithMetadataKey(string name, string key, long from, long to, int limit)
        {
            var list = new List<PointWithMetadata>();
            if (MetricId(name) is not { } metricId)
            {
                return list;
            }
            // LIKE narrows cheaply to points whose metadata mentions the key; the caller parses the JSON.
            using var cmd = PostgresCommands.Command(c, """
                SELECT ts, value, metadata FROM points
                WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND metadata LIKE $5 ESCAPE '\'
                ORDER BY ts DESC, seq DESC LIMIT $6
                """, RunId, metricId, from, to, "%\"" + SqlText.LikeEscape(key) + "\"%", limit);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(new PointWithMetadata(r.GetInt64(0), r.GetDouble(1), r.GetString(2)));
            }
            return list;
        }

        private long? MetricId(string name)
        {
            if (!_metricIds.TryGetValue(name, out var id))
            {
                _metricIds[name] = id = PostgresMetricReader.GetMetricId(c, name);
            }
            return id;
        }

        public void Dispose() => c.Dispose();
    }
}
