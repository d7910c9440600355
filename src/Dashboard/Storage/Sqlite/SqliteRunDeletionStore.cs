using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Deletion and retention on the writer's connection (<see cref="SqlitePointWriter.RunExclusive"/>), each batch its
/// own short transaction, so ingest keeps flowing and the writer's cached ids never point at deleted rows.
/// </summary>
public sealed class SqliteRunDeletionStore(SqlitePointWriter writer, SqliteConnectionFactory? connections = null) : IRunDeletionStore
{
    private readonly SqliteChunkedDelete _chunks = new(writer);

    /// <summary>Most rows one chunk deletes (see <see cref="SqliteChunkedDelete"/>).</summary>
    internal const int BatchRows = SqliteChunkedDelete.BatchRows;

    /// <summary>The chunk machinery (tests set its yield wait and observe its chunks).</summary>
    internal SqliteChunkedDelete Chunks => _chunks;

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
        // The series and runs as they are now: one that appears during the sweep holds new points (or is left for the
        // next sweep). Deleted runs not purged yet are the purge's.
        var (series, runs) = writer.RunExclusive(c => (Units(c, "SELECT run_id, metric_id FROM run_metrics ORDER BY run_id, metric_id"),
            Units(c, "SELECT id, 0 FROM runs ORDER BY id")));
        var points = DeletePointsCounted(series, pointCutoff, stop);
        foreach (var (sql, kind, widths) in SqliteRetentionStatements.Others)
        {
            var units = kind == SqliteRetentionStatements.Units.Series ? series : runs;
            var n = _chunks.Run(sql, widths ? [.. units.SelectMany(u => SqliteRetentionStatements.Widths.Select(w => (u.Run, u.Metric, w)))] : units,
                pointCutoff, stop);
            points += sql.Contains("nonfinite_points", StringComparison.Ordinal) ? n : 0;
        }
        var logs = _chunks.Run(SqliteRetentionStatements.Logs, runs, cutoff, stop);
        if (points > 0)
        {
            ReleaseSpace(stop);
        }
        return (points, logs);
    }

    private static List<(long Run, long Metric, long Width)> Units(SqliteConnection c, string sql)
    {
        using var select = SqliteCommands.Command(c, sql);
        using var reader = select.ExecuteReader();
        var units = new List<(long, long, long)>();
        while (reader.Read())
        {
            units.Add((reader.GetInt64(0), reader.GetInt64(1), 0));
        }
        return units;
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
        foreach (var sql in SqliteDeletionStatements.Purge)
        {
            // One unit: the run's rows are one key prefix ($a), taken in chunks until none are left.
            rows += _chunks.Run(sql, [(0, 0, 0)], runId, stop);
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
        _chunks.Vacuum(stop);
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
    /// Old points series by series, each chunk taking what it deleted off its runs' per-metric counts (exports size their
    /// output from them) in the same transaction: the counts are right at every commit, so no recount over a whole run
    /// (which held the writer for as long as the run is big) is needed afterwards. Metadata key counts are left: a key
    /// may then name an all-null column.
    /// </summary>
    private long DeletePointsCounted(IReadOnlyList<(long Run, long Metric, long Width)> series, long cutoff, CancellationToken stop)
    {
        var deleted = new Dictionary<(long Run, long Metric), (long Points, long Models)>();
        return _chunks.Run(SqliteRetentionStatements.Points, series, cutoff, stop,
            row: r =>
            {
                var key = (r.GetInt64(0), r.GetInt64(1));
                var (points, models) = deleted.GetValueOrDefault(key);
                deleted[key] = (points + 1, models + r.GetInt64(2));
            },
            beforeCommit: (c, tx) =>
            {
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
                deleted.Clear();
            },
            committed: n =>
            {
                if (n > 0)
                {
                    ChunkCommitted?.Invoke(n);
                }
            });
    }

    /// <summary>Called after each committed chunk of old points, outside the writer's lock (tests observe the chunks).</summary>
    internal Action<long>? ChunkCommitted { get; set; }
}
