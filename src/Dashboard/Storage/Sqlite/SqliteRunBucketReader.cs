using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary><see cref="IRunBucketReader"/> on SQLite: <see cref="RunBucketReading"/> over one read transaction.</summary>
public sealed class SqliteRunBucketReader(SqliteConnectionFactory connections) : IRunBucketReader
{
    public RunBuckets Read(long runId, IReadOnlyCollection<string> names, long from, long to, long width, CancellationToken ct = default)
    {
        using var s = new SqliteRollupSnapshot(connections);
        return RunBucketReading.Read(s, runId, names, from, to, width, ct);
    }

    public long CountBelow(long runId, string name, long from, long to, double threshold, CancellationToken ct = default)
    {
        using var c = connections.Open();
        if (SqliteMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return 0;
        }
        using var cmd = SqliteCommands.Command(c,
            "SELECT COUNT(*) FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to AND value < $t",
            ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to), ("$t", threshold));
        return (long)cmd.ExecuteScalar()!;
    }
}
