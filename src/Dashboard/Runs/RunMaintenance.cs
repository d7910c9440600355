using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Runs;

/// <summary>
/// Deletes runs (admin, retention) and old points. A run is deleted in two steps: one short transaction on the writer's
/// connection removes its row and its per-metric counts and records its id in run_purges, so from the next read on it
/// is gone from every list, query and export, and its name and event ids can be sent again at once (a new run gets a
/// new id). <see cref="RunPurger"/> then removes the orphaned points, logs and event ids in small batches between two
/// group commits, and picks up where it stopped after a crash.
/// </summary>
public sealed class RunMaintenance(SqlitePointWriter writer, IngestQuota quota, RunPurger purger, IOptions<StorageOptions> storage,
    TimeProvider time, ILogger<RunMaintenance> logger, Metrics.RunMetricsFolder runMetrics)
{
    /// <summary>Marks a run deleted (see the type's summary); false when no such run exists.</summary>
    public bool DeleteRun(string run)
    {
        var now = Timestamps.ToMicros(time.GetUtcNow());
        var marked = writer.RunExclusive(c => MarkDeleted(c, "name = $a", run, now));
        if (marked == 0)
        {
            return false;
        }
        quota.Forget(run);
        runMetrics.Forget(run);
        purger.Wake();
        logger.LogInformation("Run {Run} deleted; its points are purged in the background", run);
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
        var points = RunPurger.DeleteInBatches(writer, "DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE ts < $a LIMIT $n)", cutoff, CancellationToken.None)
            + RunPurger.DeleteInBatches(writer, "DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE ts < $a LIMIT $n)", cutoff, CancellationToken.None);
        var logs = RunPurger.DeleteInBatches(writer, "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < $a LIMIT $n)", cutoff, CancellationToken.None);
        if (points > 0)
        {
            Recount();
        }
        var old = writer.RunExclusive(c =>
        {
            using var select = c.CreateCommand();
            select.CommandText = "SELECT name FROM runs WHERE last_received_at < $a";
            select.Parameters.AddWithValue("$a", cutoff);
            using var reader = select.ExecuteReader();
            var names = new List<string>();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
            return names;
        });
        var now = Timestamps.ToMicros(time.GetUtcNow());
        var removed = 0;
        foreach (var name in old)
        {
            // Checked again inside the marking transaction: a run that received an event since the select stays.
            if (writer.RunExclusive(c => MarkDeleted(c, "name = $a AND last_received_at < $cutoff", name, now, cutoff)) > 0)
            {
                quota.Forget(name);
                runMetrics.Forget(name);
                removed++;
            }
        }
        if (removed > 0)
        {
            purger.Wake();
        }
        if (points + logs + removed > 0)
        {
            logger.LogInformation("Retention removed {Points} points, {Logs} logs and {Runs} runs older than {Days} days", points, logs, removed, days);
        }
        return (points, logs, removed);
    }

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
                using var command = c.CreateCommand();
                command.Transaction = tx;
                command.CommandText = """
                    UPDATE run_metrics SET
                        count = (SELECT COUNT(*) FROM points p WHERE p.run_id = run_metrics.run_id AND p.metric_id = run_metrics.metric_id),
                        model_points = (SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = run_metrics.run_id AND p.metric_id = run_metrics.metric_id)
                    WHERE run_id = $a
                    """;
                command.Parameters.AddWithValue("$a", id);
                var n = command.ExecuteNonQuery();
                tx.Commit();
                return n;
            });
        }
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

/// <summary>Registers run deletion, the background purge and retention.</summary>
public static class RunMaintenanceSetup
{
    public static IServiceCollection AddRunMaintenance(this IServiceCollection services)
    {
        services.AddSingleton<RunPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<RunPurger>());
        services.AddSingleton<RunMaintenance>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
