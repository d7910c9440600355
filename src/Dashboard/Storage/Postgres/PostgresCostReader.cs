using Npgsql;
using static Dashboard.Storage.Postgres.PostgresCommands;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL twin of <see cref="Sqlite.SqliteCostReader"/>: token sums per (run, metric, model, bucket) and threshold
/// counts from the rollups plus raw edges (<see cref="SqlCostRollups"/>). Names sort by bytes ("C"), as SQLite's do;
/// bigint division truncates toward zero as SQLite's integer division does, so buckets match.
/// </summary>
public sealed class PostgresCostReader(NpgsqlDataSource dataSource) : ICostReader
{
    private readonly PostgresSqlConnections _sql = new(dataSource);

    private const string RunColumns = "SELECT id, name, project, first_ts, last_ts FROM runs";

    public async Task<CostRun?> GetRunAsync(string run, CancellationToken ct) =>
        (await GetRunsAsync([run], ct)).FirstOrDefault();

    public async Task<IReadOnlyList<CostRun>> GetRunsAsync(IReadOnlyCollection<string> runs, CancellationToken ct) =>
        runs.Count == 0 ? [] : await ReadRunsAsync($"{RunColumns} WHERE name = ANY($1) ORDER BY name COLLATE \"C\"", runs.ToArray(), ct);

    public Task<IReadOnlyList<CostRun>> GetProjectRunsAsync(string project, CancellationToken ct) =>
        ReadRunsAsync($"{RunColumns} WHERE project = $1 ORDER BY name COLLATE \"C\"", project, ct);

    public Task<IReadOnlyList<CostRun>> GetRunsActiveSinceAsync(long since, CancellationToken ct) =>
        ReadRunsAsync($"{RunColumns} WHERE last_ts >= $1 ORDER BY name COLLATE \"C\"", since, ct);

    public async Task<IReadOnlyList<TokenAggregate>> GetTokenAggregatesAsync(IReadOnlyCollection<long> runIds, long from, long to,
        long bucketMicros, CancellationToken ct)
    {
        var list = new List<TokenAggregate>();
        if (runIds.Count == 0)
        {
            return list;
        }
        await using var c = await dataSource.OpenConnectionAsync(ct);
        var metrics = await MetricIdsAsync(c, TokenMetrics.Priced, ct);
        if (metrics.Count == 0)
        {
            return list;
        }
        return SqlCostRollups.TokenAggregates(_sql, c, runIds, metrics, from, to, bucketMicros);
    }

    public async Task<long> CountAtLeastAsync(long runId, string metric, double min, long from, long to, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        var ids = await MetricIdsAsync(c, [metric], ct);
        return ids.Count == 0 ? 0 : SqlCostRollups.CountAtLeast(_sql, c, runId, ids.Keys.First(), min, from, to);
    }

    public async Task<long[]> CountAtLeastPerBucketAsync(long runId, string metric, double min, long to, long bucketMicros, int buckets,
        CancellationToken ct)
    {
        var counts = new long[buckets];
        await using var c = await dataSource.OpenConnectionAsync(ct);
        // Bucket 0 is (to - bucket, to]: counted back from 'to' so the newest bucket is always whole.
        await using var cmd = Command(c, """
            SELECT ($4 - p.ts) / $5 AS k, COUNT(*) FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $1 AND n.name = $2 AND p.ts > $3 AND p.ts <= $4 AND p.value >= $6
            GROUP BY k
            """, runId, metric, to - bucketMicros * buckets, to, bucketMicros, min);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var k = (int)Math.Min(r.GetInt64(0), buckets - 1);
            counts[k] += r.GetInt64(1);
        }
        return counts;
    }

    public async Task<IReadOnlyList<string>> GetMetricNamesAsync(long runId, string prefix, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $1 AND left(n.name, length($2)) = $2 ORDER BY n.name COLLATE "C"
            """, runId, prefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await r.ReadAsync(ct))
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    private static async Task<Dictionary<long, string>> MetricIdsAsync(NpgsqlConnection c, IReadOnlyList<string> names, CancellationToken ct)
    {
        await using var cmd = Command(c, "SELECT id, name FROM metric_names WHERE name = ANY($1)", (object)names.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var map = new Dictionary<long, string>();
        while (await r.ReadAsync(ct))
        {
            map[r.GetInt64(0)] = r.GetString(1);
        }
        return map;
    }

    private async Task<IReadOnlyList<CostRun>> ReadRunsAsync(string sql, object parameter, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, sql, parameter);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<CostRun>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new CostRun(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4)));
        }
        return list;
    }
}
