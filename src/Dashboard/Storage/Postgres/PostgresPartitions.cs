using System.Globalization;
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
    /// Removes every point older than <paramref name="cutoffMicros"/>: whole partitions are detached CONCURRENTLY and
    /// dropped (no row-by-row delete, no dead tuples to vacuum; a plain DROP of a partition would take an exclusive
    /// lock on <c>points</c> and stall the writer's COPY and every reader behind it), the partition holding the cutoff
    /// is trimmed one series per statement through the (run_id, metric_id, ts) index. Returns the points removed.
    /// Must run outside a transaction (DETACH CONCURRENTLY refuses one).
    /// </summary>
    public long DropBefore(NpgsqlConnection connection, long cutoffMicros, CancellationToken stop = default)
    {
        var cutoffDay = DayOf(cutoffMicros);
        long removed = 0;
        // Partitions an earlier pass detached but did not drop (a crash in between): their counts were not taken off yet.
        foreach (var orphan in ListDetached(connection))
        {
            removed += UncountAndDrop(connection, orphan);
            if (DateTimeOffset.TryParseExact(orphan["points_".Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                lock (_gate)
                {
                    _known.Remove((long)(date - DateTimeOffset.UnixEpoch).TotalDays);
                }
            }
        }
        foreach (var (name, day) in List(connection, includeDetaching: true).Where(p => p.Day < cutoffDay))
        {
            if (stop.IsCancellationRequested)
            {
                return removed;
            }
            Detach(connection, name);
            removed += UncountAndDrop(connection, name);
            lock (_gate)
            {
                _known.Remove(day);
            }
        }
        if (!List(connection).Any(p => p.Day == cutoffDay))
        {
            return removed;
        }
        var series = new List<(long Run, long Metric)>();
        using (var select = new NpgsqlCommand("SELECT run_id, metric_id FROM run_metrics", connection))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                series.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }
        // Points of runs deleted but not purged yet have no run_metrics row: the purge takes them.
        var partition = NameOf(cutoffDay);
        foreach (var (run, metric) in series)
        {
            if (stop.IsCancellationRequested)
            {
                break;
            }
            removed += TrimCounted(connection, partition, run, metric, cutoffMicros, stop);
        }
        return removed;
    }

    /// <summary>Rows per trim statement: each holds the series' run_metrics row only for that long.</summary>
    internal const int TrimRows = 20_000;

    /// <summary>
    /// A detached partition's points taken off the per-metric counts (exports size their output from them) and the table
    /// dropped, in one transaction, so a crash leaves either both done or neither (the next pass finds the table again,
    /// <see cref="ListDetached"/>) and no recount over whole runs follows a retention pass. The partition is no longer
    /// part of points, so its rows are counted first without any lock the writer waits for; the transaction then only
    /// updates run_metrics rows and drops the table. It gives way to the writer: its locks wait at most 100 ms (the
    /// writer's upserts lock rows in no set order, so waiting on one while holding others could deadlock with it), then
    /// it rolls back and tries again.
    /// </summary>
    private static long UncountAndDrop(NpgsqlConnection connection, string name)
    {
        var (runs, metrics, points, models) = (new List<long>(), new List<long>(), new List<long>(), new List<long>());
        using (var count = new NpgsqlCommand($"SELECT run_id, metric_id, COUNT(*), COUNT(model_name) FROM {name} GROUP BY 1, 2", connection))
        using (var reader = count.ExecuteReader())
        {
            while (reader.Read())
            {
                runs.Add(reader.GetInt64(0));
                metrics.Add(reader.GetInt64(1));
                points.Add(reader.GetInt64(2));
                models.Add(reader.GetInt64(3));
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            using var tx = connection.BeginTransaction();
            try
            {
                // After many refusals (a writer holding these rows for long) it waits like any statement.
                using (var timeout = new NpgsqlCommand(attempt < 50 ? "SET LOCAL lock_timeout = '100ms'" : "SET LOCAL lock_timeout = 0", connection, tx))
                {
                    timeout.ExecuteNonQuery();
                }
                using (var update = new NpgsqlCommand("""
                    UPDATE run_metrics r SET count = GREATEST(r.count - k.n, 0), model_points = GREATEST(r.model_points - k.m, 0)
                    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS k(run_id, metric_id, n, m)
                    WHERE r.run_id = k.run_id AND r.metric_id = k.metric_id
                    """, connection, tx))
                {
                    foreach (var values in new[] { runs, metrics, points, models })
                    {
                        update.Parameters.Add(new NpgsqlParameter { Value = values.ToArray() });
                    }
                    update.ExecuteNonQuery();
                }
                using (var drop = new NpgsqlCommand($"DROP TABLE {name}", connection, tx))
                {
                    drop.ExecuteNonQuery();
                }
                tx.Commit();
                return points.Sum();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                tx.Rollback();
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>Day tables of points no longer attached to it (detached by a retention pass that stopped before dropping them).</summary>
    private static List<string> ListDetached(NpgsqlConnection connection)
    {
        using var list = new NpgsqlCommand("""
            SELECT c.relname FROM pg_class c
            WHERE c.relkind = 'r' AND c.relname ~ '^points_[0-9]{8}$'
              AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'points'::regclass)
              AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
            ORDER BY c.relname
            """, connection);
        using var reader = list.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>
    /// One series' points before the cutoff in the cutoff's day, <see cref="TrimRows"/> per statement, each statement
    /// taking what it deleted off the series' counts: counts right at every commit, the row lock held briefly.
    /// </summary>
    private static long TrimCounted(NpgsqlConnection connection, string partition, long run, long metric, long cutoff, CancellationToken stop)
    {
        long total = 0;
        while (!stop.IsCancellationRequested)
        {
            using var trim = new NpgsqlCommand($"""
                WITH d AS (
                    DELETE FROM {partition} WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM {partition} WHERE run_id = $1 AND metric_id = $2 AND ts < $3 LIMIT $4))
                    RETURNING model_name),
                s AS (SELECT COUNT(*) AS n, COUNT(model_name) AS models FROM d),
                u AS (
                    UPDATE run_metrics SET count = GREATEST(count - s.n, 0), model_points = GREATEST(model_points - s.models, 0)
                    FROM s WHERE run_id = $1 AND metric_id = $2 AND s.n > 0)
                SELECT n FROM s
                """, connection);
            foreach (var v in new[] { run, metric, cutoff, TrimRows })
            {
                trim.Parameters.Add(new NpgsqlParameter { Value = v });
            }
            var deleted = (long)trim.ExecuteScalar()!;
            total += deleted;
            if (deleted < TrimRows)
            {
                break;
            }
        }
        return total;
    }

    private static void Detach(NpgsqlConnection connection, string name)
    {
        using var pending = new NpgsqlCommand("""
            SELECT i.inhdetachpending FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'points'::regclass AND c.relname = $1
            """, connection);
        pending.Parameters.Add(new NpgsqlParameter { Value = name });
        var state = pending.ExecuteScalar();
        if (state is null)
        {
            return;
        }
        // A detach interrupted earlier (crash, stop) leaves the partition "pending": only FINALIZE completes it.
        var sql = (bool)state
            ? $"ALTER TABLE points DETACH PARTITION {name} FINALIZE"
            : $"ALTER TABLE points DETACH PARTITION {name} CONCURRENTLY";
        using var detach = new NpgsqlCommand(sql, connection);
        detach.ExecuteNonQuery();
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

    internal static List<(string Name, long Day)> List(NpgsqlConnection connection, bool includeDetaching = false)
    {
        using var list = new NpgsqlCommand($"""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'points'::regclass {(includeDetaching ? "" : "AND NOT i.inhdetachpending")} ORDER BY c.relname
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
