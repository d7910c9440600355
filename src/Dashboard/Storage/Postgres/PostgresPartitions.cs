using System.Globalization;
using Dashboard.Ingest;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Day partitions of <c>points</c> (UTC days of <c>ts</c>). The writer makes sure a batch's days exist before it opens
/// its transaction (creating a partition locks the parent briefly, and a failed CREATE must not abort a batch), and
/// maintenance creates today's and the next days' ahead so live ingest never waits for DDL. Retention drops every
/// partition wholly older than the cutoff and deletes rows only inside the one partition the cutoff falls in.
/// There is no default partition: a default partition holding rows of a day would forbid creating that day later.
/// </summary>
public sealed class PostgresPartitions
{
    internal const long MicrosPerDay = 86_400_000_000L;
    private readonly HashSet<long> _known = [];
    private readonly Lock _gate = new();
    private bool _loaded;

    public static long DayOf(long tsMicros)
    {
        var day = tsMicros / MicrosPerDay;
        return tsMicros % MicrosPerDay < 0 ? day - 1 : day;
    }

    public static string NameOf(long day) =>
        "points_" + DateTimeOffset.UnixEpoch.AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Creates the partitions of the given days that do not exist yet (each in its own statement, outside any batch).</summary>
    public void Ensure(NpgsqlConnection connection, IEnumerable<long> days)
    {
        lock (_gate)
        {
            Load(connection);
            foreach (var day in days)
            {
                if (_known.Contains(day))
                {
                    continue;
                }
                var sql = $"CREATE TABLE IF NOT EXISTS {NameOf(day)} PARTITION OF points FOR VALUES FROM ({day * MicrosPerDay}) TO ({(day + 1) * MicrosPerDay})";
                try
                {
                    using var create = new NpgsqlCommand(sql, connection);
                    create.ExecuteNonQuery();
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
                {
                    // Another instance created the same day between our check and our CREATE.
                }
                _known.Add(day);
            }
        }
    }

    /// <summary>Today and the next <paramref name="daysAhead"/> days, so live ingest finds its partition ready.</summary>
    public void EnsureAhead(NpgsqlConnection connection, DateTimeOffset now, int daysAhead = 2)
    {
        var today = DayOf(Timestamps.ToMicros(now));
        Ensure(connection, Enumerable.Range(0, daysAhead + 1).Select(i => today + i));
    }

    /// <summary>
    /// Removes every point older than <paramref name="cutoffMicros"/>: whole partitions are dropped (no row-by-row
    /// delete, no dead tuples to vacuum), the partition holding the cutoff is trimmed. Returns the points removed.
    /// </summary>
    public long DropBefore(NpgsqlConnection connection, long cutoffMicros)
    {
        lock (_gate)
        {
            var cutoffDay = DayOf(cutoffMicros);
            long removed = 0;
            foreach (var (name, day) in List(connection).Where(p => p.Day < cutoffDay))
            {
                using var tx = connection.BeginTransaction();
                using (var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {name}", connection, tx))
                {
                    removed += (long)count.ExecuteScalar()!;
                }
                using (var drop = new NpgsqlCommand($"DROP TABLE {name}", connection, tx))
                {
                    drop.ExecuteNonQuery();
                }
                tx.Commit();
                _known.Remove(day);
            }
            using var trim = new NpgsqlCommand("DELETE FROM points WHERE ts < $1", connection);
            trim.Parameters.Add(new NpgsqlParameter { Value = cutoffMicros });
            removed += trim.ExecuteNonQuery();
            return removed;
        }
    }

    /// <summary>Forgets what is cached (after a failure, or when another process may have dropped partitions).</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _known.Clear();
            _loaded = false;
        }
    }

    private void Load(NpgsqlConnection connection)
    {
        if (_loaded)
        {
            return;
        }
        foreach (var (_, day) in List(connection))
        {
            _known.Add(day);
        }
        _loaded = true;
    }

    internal static List<(string Name, long Day)> List(NpgsqlConnection connection)
    {
        using var list = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'points'::regclass ORDER BY c.relname
            """, connection);
        using var reader = list.ExecuteReader();
        var result = new List<(string, long)>();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            if (DateTimeOffset.TryParseExact(name["points_".Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var date))
            {
                result.Add((name, (long)(date - DateTimeOffset.UnixEpoch).TotalDays));
            }
        }
        return result;
    }
}
