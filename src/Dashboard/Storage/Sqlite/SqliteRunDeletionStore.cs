using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Deletion and retention on the writer's connection (<see cref="SqlitePointWriter.RunExclusive"/>), each batch its
/// own short transaction, so ingest keeps flowing and the writer's cached ids never point at deleted rows.
/// </summary>
public sealed class SqliteRunDeletionStore(SqlitePointWriter writer, SqliteConnectionFactory? connections = null) : IRunDeletionStore
{
    // Small enough that one chunk holds the writer's connection for a few milliseconds only (ingest p99 goal: 20 ms).
    // Chunks sized by time (about 4 ms each) measured worse at load 50 on the shared machine (p99 187 ms against 108 ms
    // for these fixed sizes at load 35: ten times the transactions, each starved of CPU): see bench/README, rollups.
    internal const int BatchRows = 2_000;

    /// <summary>Free pages handed back to the file system per writer turn (incremental vacuum), 4 MB at 4 KB pages.</summary>
    internal const int VacuumPages = 1_000;

    // How long a chunk waits for waiting commits to go first before it goes anyway (so maintenance still progresses).
    private static readonly TimeSpan YieldWait = TimeSpan.FromMilliseconds(200);

    private static readonly string[] PurgeDeletes =
    [
        "DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE run_id = $a LIMIT $n)",
        // event_ids is WITHOUT ROWID: a key range from the run's first id (an IN list of (run_id, event_id) pairs was
        // searched by run_id alone, so every chunk rescanned the run's remaining ids). Fewer than $n left: all of them.
        """
        DELETE FROM event_ids WHERE run_id = $a AND event_id <= COALESCE(
            (SELECT event_id FROM event_ids WHERE run_id = $a ORDER BY event_id LIMIT 1 OFFSET $n - 1),
            (SELECT MAX(event_id) FROM event_ids WHERE run_id = $a))
        """,
        """
        DELETE FROM point_rollups WHERE (run_id, metric_id, width, bucket, model) IN
            (SELECT run_id, metric_id, width, bucket, model FROM point_rollups WHERE run_id = $a LIMIT $n)
        """,
        "DELETE FROM run_event_seconds WHERE (run_id, second) IN (SELECT run_id, second FROM run_event_seconds WHERE run_id = $a LIMIT $n)",
        """
        DELETE FROM token_rollups WHERE (run_id, width, bucket, model, judge) IN
            (SELECT run_id, width, bucket, model, judge FROM token_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM prediction_rollups WHERE (run_id, width, bucket, label) IN
            (SELECT run_id, width, bucket, label FROM prediction_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM prediction_time_rollups WHERE (run_id, width, bucket) IN
            (SELECT run_id, width, bucket FROM prediction_time_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM pipeline_rollups WHERE (run_id, width, bucket, pipeline) IN
            (SELECT run_id, width, bucket, pipeline FROM pipeline_rollups WHERE run_id = $a LIMIT $n)
        """,
    ];

    // Summary rollups hold whole minutes and hours: retention's hour cutoff removes them whole with their points.
    private static readonly string[] RetentionDeletes =
    [
        """
        DELETE FROM prediction_rollups WHERE (run_id, width, bucket, label) IN
            (SELECT run_id, width, bucket, label FROM prediction_rollups WHERE bucket < $a LIMIT $n)
        """,
        """
        DELETE FROM prediction_time_rollups WHERE (run_id, width, bucket) IN
            (SELECT run_id, width, bucket FROM prediction_time_rollups WHERE bucket < $a LIMIT $n)
        """,
        """
        DELETE FROM pipeline_rollups WHERE (run_id, width, bucket, pipeline) IN
            (SELECT run_id, width, bucket, pipeline FROM pipeline_rollups WHERE bucket < $a LIMIT $n)
        """,
    ];

    public bool MarkDeleted(string run, long now, long? receivedBefore = null) =>
        writer.RunExclusive(c => receivedBefore is { } cutoff
            ? MarkDeleted(c, "name = $a AND last_received_at < $cutoff", run, now, cutoff)
            : MarkDeleted(c, "name = $a", run, now)) > 0;

    public IReadOnlyList<string> GetRunsReceivedBefore(long cutoff) => writer.RunExclusive(c =>
    {
        using var select = SqliteCommands.Command(c, "SELECT name FROM runs WHERE last_received_at < $a", ("$a", cutoff));
        using var reader = select.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    });

    /// <summary>
    /// Points go from the start of the hour holding <paramref name="cutoff"/> back, so whole rollup buckets go with
    /// their points and rollups never need recomputing (retention keeps up to an hour more than asked); logs at cutoff.
    /// </summary>
    public (long Points, long Logs) DeleteBefore(long cutoff, CancellationToken stop)
    {
        var pointCutoff = Rollups.RollupLevels.BucketOf(cutoff, Rollups.RollupLevels.Hour);
        // rowid order is roughly arrival order, so the oldest rows are found first without an index on ts.
        var points = DeletePointsCounted(pointCutoff, stop)
            + DeleteInBatches("DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE ts < $a LIMIT $n)", pointCutoff, stop);
        DeleteInBatches("""
            DELETE FROM point_rollups WHERE (run_id, metric_id, width, bucket, model) IN
                (SELECT run_id, metric_id, width, bucket, model FROM point_rollups WHERE bucket < $a LIMIT $n)
            """, pointCutoff, stop);
        DeleteInBatches("DELETE FROM run_event_seconds WHERE (run_id, second) IN (SELECT run_id, second FROM run_event_seconds WHERE second < $a LIMIT $n)",
            pointCutoff, stop);
        DeleteInBatches("""
            DELETE FROM token_rollups WHERE (run_id, width, bucket, model, judge) IN
                (SELECT run_id, width, bucket, model, judge FROM token_rollups WHERE bucket < $a LIMIT $n)
            """, pointCutoff, stop);
        foreach (var sql in RetentionDeletes)
        {
            DeleteInBatches(sql, pointCutoff, stop);
        }
        var logs = DeleteInBatches("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < $a LIMIT $n)", cutoff, stop);
        if (points > 0)
        {
            ReleaseSpace(stop);
        }
        return (points, logs);
    }

    public long CountPendingPurges() => writer.RunExclusive(c =>
    {
        using var count = SqliteCommands.Command(c, "SELECT COUNT(*) FROM run_purges");
        return (long)count.ExecuteScalar()!;
    });

    public (long Id, string Name)? GetNextPurge() => writer.RunExclusive<(long, string)?>(c =>
    {
        using var select = SqliteCommands.Command(c, "SELECT run_id, name FROM run_purges ORDER BY marked_at, run_id LIMIT 1");
        using var reader = select.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    });

    public long Purge(long runId, CancellationToken stop)
    {
        long rows = 0;
        foreach (var sql in PurgeDeletes)
        {
            rows += DeleteInBatches(sql, runId, stop);
        }
        ReleaseSpace(stop);
        return rows;
    }

    /// <summary>
    /// Gives freed pages back (the file shrinks; only files created with auto_vacuum=INCREMENTAL, see SchemaMigrator)
    /// in chunks between commits, then checkpoints the WAL without waiting for readers (PASSIVE), so neither the
    /// database file nor the WAL stays at the deleted data's size.
    /// </summary>
    private void ReleaseSpace(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            writer.YieldToWrites(YieldWait);
            var left = writer.RunExclusive(c =>
            {
                using var command = SqliteCommands.Command(c, $"PRAGMA incremental_vacuum({VacuumPages});");
                command.ExecuteNonQuery();
                command.CommandText = "SELECT (SELECT auto_vacuum FROM pragma_auto_vacuum) = 2 AND (SELECT freelist_count FROM pragma_freelist_count) > 0";
                return (long)command.ExecuteScalar()! == 1;
            });
            if (!left)
            {
                break;
            }
        }
        if (connections is null)
        {
            writer.RunExclusive(Checkpoint);
            return;
        }
        // A passive checkpoint runs beside the writer in WAL mode (it copies committed frames; commits go on appending),
        // so it need not hold the writer's connection, however large the WAL grew during the delete.
        using var own = connections.Open();
        Checkpoint(own);
    }

    private static int Checkpoint(SqliteConnection c)
    {
        using var checkpoint = SqliteCommands.Command(c, "PRAGMA wal_checkpoint(PASSIVE)");
        return checkpoint.ExecuteNonQuery();
    }

    public void FinishPurge(long runId) => writer.RunExclusive(c =>
    {
        using var done = SqliteCommands.Command(c, "DELETE FROM run_purges WHERE run_id = $a", ("$a", runId));
        return done.ExecuteNonQuery();
    });

    /// <summary>
    /// The user-visible delete, in one transaction: the run row and its per-metric counts go, its id is recorded for
    /// the purge. Returns how many runs were marked (0 or 1).
    /// </summary>
    private static int MarkDeleted(SqliteConnection c, string where, string name, long now, long cutoff = 0)
    {
        using var tx = c.BeginTransaction();
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.Parameters.AddWithValue("$a", name);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$cutoff", cutoff);
        command.CommandText = $"INSERT INTO run_purges (run_id, name, marked_at) SELECT id, name, $now FROM runs WHERE {where} RETURNING run_id";
        if (command.ExecuteScalar() is not long id)
        {
            return 0;
        }
        command.Parameters.AddWithValue("$id", id);
        command.CommandText = "DELETE FROM run_metrics WHERE run_id = $id; DELETE FROM run_metric_keys WHERE run_id = $id; DELETE FROM run_goals WHERE run_id = $id; DELETE FROM runs WHERE id = $id;";
        command.ExecuteNonQuery();
        tx.Commit();
        return 1;
    }

    /// <summary>
    /// Old points in chunks of <see cref="BatchRows"/>, each chunk taking what it deleted off its runs' per-metric counts
    /// (exports size their output from them) in the same transaction: the counts are right at every commit, so no
    /// recount over a whole run (which held the writer for as long as the run is big) is needed afterwards. Metadata key
    /// counts are left: a key may then name an all-null column.
    /// </summary>
    private long DeletePointsCounted(long cutoff, CancellationToken stop)
    {
        long total = 0;
        var deleted = new Dictionary<(long Run, long Metric), (long Points, long Models)>();
        while (!stop.IsCancellationRequested)
        {
            writer.YieldToWrites(YieldWait);
            var n = writer.RunExclusive(c =>
            {
                deleted.Clear();
                using var tx = c.BeginTransaction();
                using (var delete = SqliteCommands.Command(c, """
                    DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE ts < $a LIMIT $n)
                    RETURNING run_id, metric_id, model_name IS NOT NULL
                    """, ("$a", cutoff), ("$n", BatchRows)))
                {
                    delete.Transaction = tx;
                    using var r = delete.ExecuteReader();
                    while (r.Read())
                    {
                        var key = (r.GetInt64(0), r.GetInt64(1));
                        var (points, models) = deleted.GetValueOrDefault(key);
                        deleted[key] = (points + 1, models + r.GetInt64(2));
                    }
                }
                // Points of runs deleted but not purged yet have no run_metrics row: nothing to update for them.
                using var update = SqliteCommands.Command(c, """
                    UPDATE run_metrics SET count = MAX(count - $c, 0), model_points = MAX(model_points - $m, 0)
                    WHERE run_id = $r AND metric_id = $k
                    """, ("$c", 0L), ("$m", 0L), ("$r", 0L), ("$k", 0L));
                update.Transaction = tx;
                foreach (var ((run, metric), (points, models)) in deleted)
                {
                    update.Parameters["$c"].Value = points;
                    update.Parameters["$m"].Value = models;
                    update.Parameters["$r"].Value = run;
                    update.Parameters["$k"].Value = metric;
                    update.ExecuteNonQuery();
                }
                tx.Commit();
                return deleted.Values.Sum(d => d.Points);
            });
            total += n;
            ChunkCommitted?.Invoke(n);
            if (n < BatchRows)
            {
                break;
            }
        }
        return total;
    }

    /// <summary>Called after each committed chunk of old points, outside the writer's lock (tests observe the chunks).</summary>
    internal Action<long>? ChunkCommitted { get; set; }

    /// <summary>Runs a batched DELETE (parameters $a and $n) until a batch deletes fewer than <see cref="BatchRows"/> rows.</summary>
    private long DeleteInBatches(string sql, long arg, CancellationToken stop)
    {
        long total = 0;
        while (!stop.IsCancellationRequested)
        {
            writer.YieldToWrites(YieldWait);
            var deleted = writer.RunExclusive(c =>
            {
                using var tx = c.BeginTransaction();
                using var command = SqliteCommands.Command(c, sql, ("$a", arg), ("$n", BatchRows));
                command.Transaction = tx;
                var n = command.ExecuteNonQuery();
                tx.Commit();
                return n;
            });
            total += deleted;
            if (deleted < BatchRows)
            {
                break;
            }
        }
        return total;
    }
}
