using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Stats and token usage on SQLite from rollups plus raw edges (<see cref="RollupReading"/>), in one read transaction,
/// so the pieces come from one snapshot. Cost grows with the number of buckets, not points.
/// </summary>
public sealed class SqliteRollupReader(SqliteConnectionFactory connections, int exactLimit = SqliteRollupReader.ExactLimit)
{
    /// <summary>Up to this many points in a range, stats are computed exactly over the raw points (percentiles included).</summary>
    public const int ExactLimit = RollupReading.ExactLimit;

    /// <summary>Stats of one metric's finite values in [from, to] (exactness: <see cref="RollupReading.Stats"/>).</summary>
    public MetricStats GetStats(long runId, long metricId, long from, long to)
    {
        using var s = new SqliteRollupSnapshot(connections);
        return RollupReading.Stats(s, runId, metricId, from, to, exactLimit);
    }

    /// <summary>afterimage's get_total_token_usage from <paramref name="from"/> on: int() of each value, summed per model.</summary>
    public TokenUsageReport GetTokenUsage(long runId, long from)
    {
        using var s = new SqliteRollupSnapshot(connections);
        return RollupReading.TokenUsage(s, runId, from);
    }

    /// <summary>Events (with at least one point) timed at or after the start of the second holding <paramref name="since"/>.</summary>
    public static long GetEventsSince(SqliteConnection c, long runId, long since)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(events), 0) FROM run_event_seconds WHERE run_id = $r AND second >= $s";
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$s", RollupLevels.BucketOf(since, RollupLevels.Second));
        return (long)cmd.ExecuteScalar()!;
    }
}
