using System.Data.Common;
using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>
/// Removes what deleted runs left behind (points, logs, event ids of runs marked deleted) through
/// <see cref="IRunDeletionStore.Purge"/>, in short batches so ingest keeps flowing. A run's purge record goes last,
/// so a crash at any point leaves it to be continued at the next start.
/// </summary>
public sealed class RunPurger(IRunDeletionStore store, TimeProvider time, ILogger<RunPurger> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>How many deleted runs still wait for their purge.</summary>
    public long Pending => store.CountPendingPurges();

    /// <summary>A run was marked deleted: purge it soon.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it at the same moment: one wake-up is enough.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let start-up (and the first requests) go first; the purge has no deadline.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                PurgeAll(stoppingToken);
                await _wake.WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Purging deleted runs failed; it is tried again in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    private void PurgeAll(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && store.GetNextPurge() is { } next)
        {
            var rows = store.Purge(next.Id, stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            store.FinishPurge(next.Id);
            logger.LogInformation("Purged deleted run {Run} (id {Id}): {Rows} rows", next.Name, next.Id, rows);
        }
    }
}
