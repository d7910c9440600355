using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary><see cref="IRunBucketReader"/> on PostgreSQL: <see cref="RunBucketReading"/> over one read snapshot.</summary>
public sealed class PostgresRunBucketReader(NpgsqlDataSource data) : IRunBucketReader
{
    public RunBuckets Read(long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct = default)
    {
        using var s = new PostgresRollupSnapshot(data);
        return RunBucketReading.Read(s, runId, names, from, to, width, ct);
    }

    public long CountBelow(long runId, string name, long from, long to, double threshold, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        if (PostgresMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return 0;
        }
        using var cmd = PostgresCommands.Command(c,
            "SELECT COUNT(*) FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 AND value < $5",
            runId, metricId, from, to, threshold);
        return (long)cmd.ExecuteScalar()!;
    }
}
