using Dashboard.Ingest;
using Dashboard.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>
/// Deletes runs (admin, retention) and old points in small batches on the writer's own connection,
/// between two group commits, so ingest keeps flowing while a large run is removed.
/// </summary>
public sealed class RunMaintenance(SqlitePointWriter writer, IngestQuota quota, IOptions<StorageOptions> storage,
    TimeProvider time, ILogger<RunMaintenance> logger)
{
    internal const int BatchRows = 5_000;

    /// <summary>Deletes a run with its points, metrics, logs and event ids; false when no such run exists.</summary>
    public bool DeleteRun(string run)
    {
        var id = writer.RunExclusive(c => Scalar(c, "SELECT id FROM runs WHERE name = $a", run));
        if (id is null)
        {
            return false;
        }
        DeleteRunById(id.Value);
        quota.Forget(run);
        logger.LogInformation("Run {Run} deleted", run);
        return true;
    }

    /// <summary>One retention sweep: points and logs older than Storage:RetentionDays, then runs whose last event is older.</summary>
    public (long Points, long Logs, int Runs) Sweep()
    {
        var days = storage.Value.RetentionDays;
        if (days <= 0)
        {
            return (0, 0, 0);
        }
        var cutoff = Timestamps.ToMicros(time.GetUtcNow() - TimeSpan.FromDays(days));
        // rowid order is roughly arrival order, so the oldest rows are found first without an index on ts.
        var points = DeleteInBatches("DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE ts < $a LIMIT $n)", cutoff)
            + DeleteInBatches("DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE ts < $a LIMIT $n)", cutoff);
        var logs = DeleteInBatches("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < $a LIMIT $n)", cutoff);
        if (points > 0)
        {
            Recount();
        }
        var old = writer.RunExclusive(c =>
        {
            using var select = c.CreateCommand();
            select.CommandText = "SELECT id, name FROM runs WHERE last_received_at < $a";
            select.Parameters.AddWithValue("$a", cutoff);
            using var reader = select.ExecuteReader();
            var list = new List<(long, string)>();
            while (reader.Read())
            {
                list.Add((reader.GetInt64(0), reader.GetString(1)));
            }
            return list;
        });
        foreach (var (id, name) in old)
        {
            DeleteRunById(id);
            quota.Forget(name);
        }
        if (points + logs + old.Count > 0)
        {
            logger.LogInformation("Retention removed {Points} points, {Logs} logs and {Runs} runs older than {Days} days", points, logs, old.Count, days);
        }
        return (points, logs, old.Count);
    }

    /// <summary>
    /// After old points went, each run's point counts (exports size their output from them) are counted again over the
    /// covering index, one run per writer turn. Metadata key counts are left: a key may then name an all-null column.
    /// </summary>
    private void Recount()
    {
        var runs = writer.RunExclusive(c =>
        {
            using var select = c.CreateCommand();
            select.CommandText = "SELECT DISTINCT run_id FROM run_metrics";
            using var reader = select.ExecuteReader();
            var list = new List<long>();
            while (reader.Read())
            {
                list.Add(reader.GetInt64(0));
            }
            return list;
        });
        foreach (var id in runs)
        {
            writer.RunExclusive(c =>
            {
                using var tx = c.BeginTransaction();
                var n = Execute(c, tx, """
                    UPDATE run_metrics SET
                        count = (SELECT COUNT(*) FROM points p WHERE p.run_id = run_metrics.run_id AND p.metric_id = run_metrics.metric_id),
                        model_points = (SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = run_metrics.run_id AND p.metric_id = run_metrics.metric_id)
                    WHERE run_id = $a
                    """, id);
                tx.Commit();
                return n;
            });
        }
    }

    private void DeleteRunById(long id)
    {
        DeleteInBatches("DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE run_id = $a LIMIT $n)", id);
        DeleteInBatches("DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE run_id = $a LIMIT $n)", id);
        DeleteInBatches("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE run_id = $a LIMIT $n)", id);
        DeleteInBatches("DELETE FROM event_ids WHERE rowid IN (SELECT rowid FROM event_ids WHERE run_id = $a LIMIT $n)", id, withoutRowid: true);
        writer.RunExclusive(c =>
        {
            using var tx = c.BeginTransaction();
            // Rows written for this run between the batches above go too, in the same transaction as the run.
            foreach (var table in new[] { "points", "nonfinite_points", "logs", "event_ids", "run_metrics", "run_metric_keys" })
            {
                Execute(c, tx, $"DELETE FROM {table} WHERE run_id = $a", id);
            }
            Execute(c, tx, "DELETE FROM runs WHERE id = $a", id);
            tx.Commit();
            return 0;
        });
    }

    private long DeleteInBatches(string sql, long arg, bool withoutRowid = false)
    {
        if (withoutRowid)
        {
            // event_ids is WITHOUT ROWID: batch over its primary key instead.
            sql = "DELETE FROM event_ids WHERE (run_id, event_id) IN (SELECT run_id, event_id FROM event_ids WHERE run_id = $a LIMIT $n)";
        }
        long total = 0;
        while (true)
        {
            var deleted = writer.RunExclusive(c =>
            {
                using var tx = c.BeginTransaction();
                var n = Execute(c, tx, sql, arg);
                tx.Commit();
                return n;
            });
            total += deleted;
            if (deleted < BatchRows)
            {
                return total;
            }
        }
    }

    private static int Execute(SqliteConnection c, SqliteTransaction tx, string sql, long arg)
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$a", arg);
        command.Parameters.AddWithValue("$n", BatchRows);
        return command.ExecuteNonQuery();
    }

    private static long? Scalar(SqliteConnection c, string sql, string arg)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$a", arg);
        return command.ExecuteScalar() as long?;
    }
}

/// <summary>Runs a retention sweep every Storage:RetentionSweepMinutes while Storage:RetentionDays is above 0.</summary>
public sealed class RetentionService(RunMaintenance maintenance, IOptions<StorageOptions> storage, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Value.RetentionDays <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(storage.Value.RetentionSweepMinutes), time);
        do
        {
            try
            {
                maintenance.Sweep();
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Retention sweep failed; it is tried again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
