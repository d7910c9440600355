using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>Raw point reads over the (run_id, metric_id, ts) indexes; one pooled connection per session.</summary>
public sealed class SqliteRunPointReader(SqliteConnectionFactory connections) : IRunPointReader
{
    public IRunPointSession? Open(string run, CancellationToken ct = default)
    {
        var c = connections.Open();
        try
        {
            using var cmd = SqliteCommands.Command(c, "SELECT id, project, last_ts FROM runs WHERE name = $run", ("$run", run));
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

    // Only metrics updated in the window are scanned, through the (run, metric, ts) index.
    public long CountEventsSince(long runId, long since, CancellationToken ct = default)
    {
        using var c = connections.Open();
        return SqliteRollupReader.GetEventsSince(c, runId, since);
    }

    public List<double> GetLatestValues(long runId, string name, int limit, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var values = new List<double>();
        if (SqliteMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return values;
        }
        using var cmd = SqliteCommands.Command(c,
            "SELECT value FROM points WHERE run_id = $r AND metric_id = $m ORDER BY ts DESC LIMIT $n",
            ("$r", runId), ("$m", metricId), ("$n", limit));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }

    private sealed class Session(SqliteConnection c, long runId, string project, long? lastTs) : IRunPointSession
    {
        public long RunId { get; } = runId;
        public string Project { get; } = project;
        public long? LastTs { get; } = lastTs;

        public void ReadPoints(string name, long from, long to, List<long> times, List<double> values, Action<string?, double>? perModel = null)
        {
            if (SqliteMetricReader.GetMetricId(c, name) is { } metricId)
            {
                RawPointReader.Read(c, RunId, metricId, from, to, times, values, perModel);
            }
        }

        public long CountPoints(string name, long from, long to)
        {
            var metricId = SqliteMetricReader.GetMetricId(c, name);
            using var cmd = SqliteCommands.Command(c,
                "SELECT COUNT(*) FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to",
                ("$r", RunId), ("$m", metricId), ("$from", from), ("$to", to));
            return (long)cmd.ExecuteScalar()!;
        }

        public IReadOnlyList<PointWithMetadata> GetLatestWithMetadataKey(string name, string key, long from, long to, int limit)
        {
            var metricId = SqliteMetricReader.GetMetricId(c, name);
            // LIKE narrows cheaply to points whose metadata mentions the key; the caller parses the JSON.
            using var cmd = SqliteCommands.Command(c, """
                SELECT ts, value, metadata FROM points
                WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to AND metadata LIKE $like ESCAPE '\'
                ORDER BY ts DESC LIMIT $n
                """, ("$r", RunId), ("$m", metricId), ("$from", from), ("$to", to), ("$n", limit),
                ("$like", "%\"" + SqlText.LikeEscape(key) + "\"%"));
            using var r = cmd.ExecuteReader();
            var list = new List<PointWithMetadata>();
            while (r.Read())
            {
                list.Add(new PointWithMetadata(r.GetInt64(0), r.GetDouble(1), r.GetString(2)));
            }
            return list;
        }

        public void Dispose() => c.Dispose();
    }
}
