using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Cost inputs aggregated in SQL: token sums per (run, metric, model, bucket) and threshold counts from the rollups plus
/// raw edges (<see cref="SqlCostRollups"/>), so a run of millions of token points answers with a few hundred rows.
/// </summary>
public sealed class SqliteCostReader(SqliteConnectionFactory connections) : ICostReader
{
    private readonly SqliteSqlConnections _sql = new(connections);

    public async Task<CostRun?> GetRunAsync(string run, CancellationToken ct) =>
        (await GetRunsAsync([run], ct)).FirstOrDefault();

    public async Task<IReadOnlyList<CostRun>> GetRunsAsync(IReadOnlyCollection<string> runs, CancellationToken ct)
    {
        if (runs.Count == 0)
        {
            return [];
        }
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        var names = runs.Select((r, i) => { cmd.Parameters.AddWithValue($"$n{i}", r); return $"$n{i}"; });
        cmd.CommandText = $"SELECT id, name, project, first_ts, last_ts FROM runs WHERE name IN ({string.Join(",", names)}) ORDER BY name";
        return await ReadRunsAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<CostRun>> GetProjectRunsAsync(string project, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, project, first_ts, last_ts FROM runs WHERE project = $p ORDER BY name";
        cmd.Parameters.AddWithValue("$p", project);
        return await ReadRunsAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<CostRun>> GetRunsActiveSinceAsync(long since, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, project, first_ts, last_ts FROM runs WHERE last_ts >= $s ORDER BY name";
        cmd.Parameters.AddWithValue("$s", since);
        return await ReadRunsAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<TokenAggregate>> GetTokenAggregatesAsync(IReadOnlyCollection<long> runIds, long from, long to,
        long bucketMicros, CancellationToken ct)
    {
        var list = new List<TokenAggregate>();
        if (runIds.Count == 0)
        {
            return list;
        }
        await using var c = connections.Open();
        var metrics = await MetricIdsAsync(c, TokenMetrics.Priced, ct);
        if (metrics.Count == 0)
        {
            return list;
        }
        return SqlCostRollups.TokenAggregates(_sql, c, runIds, metrics, from, to, bucketMicros);
    }

    public async Task<long> CountAtLeastAsync(long runId, string metric, double min, long from, long to, CancellationToken ct)
    {
        await using var c = connections.Open();
        var ids = await MetricIdsAsync(c, [metric], ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        return SqlCostRollups.CountAtLeast(_sql, c, runId, ids.Keys.First(), min, from, to);
    }

    public async Task<long[]> CountAtLeastPerBucketAsync(long runId, string metric, double min, long to, long bucketMicros, int buckets,
        CancellationToken ct)
    {
        var counts = new long[buckets];
        await using var c = connections.Open();
        var ids = await MetricIdsAsync(c, [metric], ct);
        if (ids.Count == 0)
        {
            return counts;
        }
        await using var cmd = c.CreateCommand();
        // Bucket 0 is (to - bucket, to]: counted back from 'to' so the newest bucket is always whole.
        cmd.CommandText = """
            SELECT ($to - ts) / $b AS k, COUNT(*) FROM points
            WHERE run_id = $r AND metric_id = $m AND ts > $from AND ts <= $to AND value >= $min
            GROUP BY k
            """;
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$m", ids.Keys.First());
        cmd.Parameters.AddWithValue("$from", to - bucketMicros * buckets);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$b", bucketMicros);
        cmd.Parameters.AddWithValue("$min", min);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            // ts = to lands in k = 0; ts just above 'from' in k = buckets - 1 (exclusive lower bound).
            var k = (int)Math.Min(r.GetInt64(0), buckets - 1);
            counts[k] += r.GetInt64(1);
        }
        return counts;
    }

    public async Task<IReadOnlyList<string>> GetMetricNamesAsync(long runId, string prefix, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r AND substr(n.name, 1, length($p)) = $p ORDER BY n.name
            """;
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$p", prefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await r.ReadAsync(ct))
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    private static async Task<Dictionary<long, string>> MetricIdsAsync(SqliteConnection c, IReadOnlyList<string> names, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        var ps = names.Select((n, i) => { cmd.Parameters.AddWithValue($"$n{i}", n); return $"$n{i}"; });
        cmd.CommandText = $"SELECT id, name FROM metric_names WHERE name IN ({string.Join(",", ps)})";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var map = new Dictionary<long, string>();
        while (await r.ReadAsync(ct))
        {
            map[r.GetInt64(0)] = r.GetString(1);
        }
        return map;
    }

    private static async Task<IReadOnlyList<CostRun>> ReadRunsAsync(SqliteCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<CostRun>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new CostRun(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4)));
        }
        return list;
    }
}
