using Dashboard.Ingest;
using Dashboard.Storage;
using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Dashboard.Runs;

/// <summary>
/// Deletes runs (admin, retention) and old points. A run is deleted in two steps: one short transaction removes its row and its per-metric counts and records its id in run_purges, so from the next read on it
/// is gone from every list, query and export, and its name and event ids can be sent again at once (a new run gets a
/// new id). <see cref="RunPurger"/> then removes the orphaned points, logs and event ids in small batches between two
/// group commits, and picks up where it stopped after a crash.
/// </summary>
public sealed class RunMaintenance(IRunDeletionStore store, IngestQuota quota, RunPurger purger, IOptions<StorageOptions> storage,
    TimeProvider time, ILogger<RunMaintenance> logger, Metrics.RunMetricsFolder runMetrics)
{
    /// <summary>Raised after a run was marked deleted here (admin or retention), with its name: other instances forget it too.</summary>
    public event Action<string>? RunDeleted;

    /// <summary>Drops what this process caches about a run deleted elsewhere (another instance on the same PostgreSQL).</summary>
    public void ForgetRun(string run)
    {
        quota.Forget(run);
        runMetrics.Forget(run);
    }

    /// <summary>Marks a run deleted (see the type's summary); false when no such run exists.</summary>
    public bool DeleteRun(string run)
    {
        if (!store.MarkDeleted(run, Timestamps.ToMicros(time.GetUtcNow())))
        {
            return false;
        }
        ForgetRun(run);
        RunDeleted?.Invoke(run);
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
        var (points, logs) = store.DeleteBefore(cutoff, CancellationToken.None);
        var old = store.GetRunsReceivedBefore(cutoff);
        var now = Timestamps.ToMicros(time.GetUtcNow());
        var removed = 0;
        foreach (var name in old)
        {
            // Checked again inside the marking transaction: a run that received an event since the select stays.
            if (store.MarkDeleted(name, now, receivedBefore: cutoff))
            {
                ForgetRun(name);
                RunDeleted?.Invoke(name);
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
            catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException)
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
