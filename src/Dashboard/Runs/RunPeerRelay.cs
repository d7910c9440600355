using Dashboard.Cluster;

namespace Dashboard.Runs;

/// <summary>
/// Run deletion across instances: a run deleted here (admin or retention) is named over the cluster bus, and every
/// other instance drops what it caches about it (ingest quota name sets, the /metrics series), so the name can be
/// sent again at once on any instance. The writers need no message: a batch whose cached run id was deleted
/// is retried with the run looked up by name again (Storage/Postgres/PostgresWriteBatch). After the listener
/// reconnects (messages may have been missed) the quota caches are dropped whole and reloaded on next use.
/// </summary>
public sealed class RunPeerRelay
{
    private const string Kind = "run-deleted";

    public RunPeerRelay(ClusterBus bus, RunMaintenance maintenance, Ingest.IngestQuota quota, ILogger<RunPeerRelay> logger)
    {
        maintenance.RunDeleted += run => _ = SendAsync(bus, run, logger);
        bus.On(Kind, maintenance.ForgetRun);
        bus.Connected += quota.ForgetAll;
    }

    private static async Task SendAsync(ClusterBus bus, string run, ILogger logger)
    {
        try
        {
            await bus.PublishAsync(Kind, run);
        }
        catch (Exception ex)
        {
            // The deletion is stored; the others' caches catch up when their listener reconnects.
            logger.LogWarning(ex, "Could not tell the other instances that run {Run} was deleted", run);
        }
    }
}
