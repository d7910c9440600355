using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Deletion and retention on PostgreSQL. Unlike SQLite's single writer connection, deletes here never block the
/// writer: rows are removed under MVCC (the writer only inserts points and never waits for a row a delete holds),
/// and whole day partitions are detached CONCURRENTLY before they are dropped, which takes no lock the writer's COPY
/// or a reader waits for. Work still goes in bounded statements (one day partition, one series, or
/// <see cref="BatchRows"/> rows each, every one its own transaction) so a stop request is honoured quickly and no
/// single transaction holds back vacuum for long. Marking a run deleted goes through the writer's connection so the
/// writer's cached run id is dropped at once (other instances re-resolve it, see PostgresWriteBatch.ReadRunCounts).
/// </summary>
public sealed class PostgresRunDeletionStore(NpgsqlDataSource data, PostgresPointWriter writer, PostgresPartitions partitions) : IRunDeletionStore
{
    internal const int BatchRows = 20_000;

    // Tables keyed by run_id besides points (which is purged partition by partition), each deleted by ctid batches.
    private static readonly string[] RunTables = ["nonfinite_points", "logs", "event_ids", "prediction_rollups", "prediction_time_rollups", "pipeline_rollups"];

    // Summary rollups: whole minute and hour buckets, so retention's hour cutoff removes them whole with their points.
    private static readonly string[] BucketTables = ["prediction_rollups", "prediction_time_rollups", "pipeline_rollups"];

    // Derived rows, deleted with the run but not counted as its rows (as on SQLite); their primary keys lead with run_id.
    private static readonly string[] RollupTables = ["point_rollups", "run_event_seconds", "token_rollups"];

    public bool MarkDeleted(string run, long now, long? receivedBefore = null) => writer.RunExclusive(c =>
    {
        using var tx = c.BeginTransaction();
        using var mark = new NpgsqlCommand($"""
            INSERT INTO run_purges (run_id, name, marked_at)
            SELECT id, name, $2 FROM runs WHERE name = $1 {(receivedBefore is null ? "" : "AND last_received_at < $3")}
            RETURNING run_id
            """, c, tx);
        mark.Parameters.Add(new NpgsqlParameter { Value = run });
        mark.Parameters.Add(new NpgsqlParameter { Value = now });
        if (receivedBefore is { } cutoff)
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = cutoff });
        }
        if (mark.ExecuteScalar() is not long id)
        {
            return false;
        }
        using var delete = new NpgsqlCommand("""
            DELETE FROM run_metrics WHERE run_id = $1; DELETE FROM run_metric_keys WHERE run_id = $1;
            DELETE FROM run_goals WHERE run_id = $1; DELETE FROM runs WHERE id = $1;
            """.Replace("$1", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), c, tx);
        delete.ExecuteNonQuery();
        tx.Commit();
        return true;
    });

    public IReadOnlyList<string> GetRunsReceivedBefore(long cutoff)
    {
        using var c = data.OpenConnection();
        using var select = PostgresCommands.Command(c, "SELECT name FROM runs WHERE last_received_at < $1", cutoff);
        using var reader = select.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>
    /// Points go from the start of the hour holding <paramref name="cutoff"/> back (as on SQLite, so hourly rollup
    /// buckets go whole with their points, and their rollup rows with them): whole day partitions are dropped, the day holding the cutoff is trimmed
    /// series by series through the index. Non-finite points and logs go in id batches, oldest first. Per-metric counts
    /// go down with each dropped partition and trim statement (PostgresPartitions), so no recount follows.
    /// </summary>
    public (long Points, long Logs) DeleteBefore(long cutoff, CancellationToken stop)
    {
        var pointCutoff = Rollups.RollupLevels.BucketOf(cutoff, Rollups.RollupLevels.Hour);
        using var c = data.OpenConnection();
        var points = partitions.DropBefore(c, pointCutoff, stop);
        points += DeleteInBatches(c, "nonfinite_points", "ts < $1", pointCutoff, stop);
        // Rollup buckets before the hour cut hold only deleted points (every width divides an hour), so they go whole.
        DeleteInBatches(c, "point_rollups", "bucket < $1", pointCutoff, stop);
        DeleteInBatches(c, "run_event_seconds", "second < $1", pointCutoff, stop);
        DeleteInBatches(c, "token_rollups", "bucket < $1", pointCutoff, stop);
        var logs = DeleteInBatches(c, "logs", "ts < $1", cutoff, stop);
        foreach (var table in BucketTables)
        {
            DeleteInBatches(c, table, "bucket < $1", pointCutoff, stop);
        }
        return (points, logs);
    }

    public long CountPendingPurges()
    {
        using var c = data.OpenConnection();
        using var count = PostgresCommands.Command(c, "SELECT COUNT(*) FROM run_purges");
        return (long)count.ExecuteScalar()!;
    }

    public (long Id, string Name)? GetNextPurge()
    {
        using var c = data.OpenConnection();
        using var select = PostgresCommands.Command(c, "SELECT run_id, name FROM run_purges ORDER BY marked_at, run_id LIMIT 1");
        using var reader = select.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public long Purge(long runId, CancellationToken stop)
    {
        using var c = data.OpenConnection();
        long rows = 0;
        foreach (var (name, _) in PostgresPartitions.List(c))
        {
            rows += DeleteInBatches(c, name, "run_id = $1", runId, stop);
        }
        foreach (var table in RunTables)
        {
            rows += DeleteInBatches(c, table, "run_id = $1", runId, stop);
        }
        foreach (var table in RollupTables)
        {
            DeleteInBatches(c, table, "run_id = $1", runId, stop);
        }
        return rows;
    }

    public void FinishPurge(long runId)
    {
        using var c = data.OpenConnection();
        using var done = PostgresCommands.Command(c, "DELETE FROM run_purges WHERE run_id = $1", runId);
        done.ExecuteNonQuery();
    }

    /// <summary>
    /// Deletes the rows of <paramref name="table"/> matching <paramref name="where"/> ($1 = <paramref name="arg"/>) in
    /// batches of <see cref="BatchRows"/>, each its own transaction, found by ctid (a TID scan, no second lookup).
    /// </summary>
    internal static long DeleteInBatches(NpgsqlConnection c, string table, string where, long arg, CancellationToken stop)
    {
        long total = 0;
        while (!stop.IsCancellationRequested)
        {
            using var delete = PostgresCommands.Command(c,
                $"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {where} LIMIT $2))", arg, BatchRows);
            var deleted = delete.ExecuteNonQuery();
            total += deleted;
            if (deleted < BatchRows)
            {
                break;
            }
        }
        return total;
    }
}
