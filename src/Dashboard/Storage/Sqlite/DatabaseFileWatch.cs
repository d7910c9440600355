namespace Dashboard.Storage.Sqlite;

/// <summary>
/// The quick_check that start-up left out because the file was larger than Storage:QuickCheckMaxMegabytes: it runs
/// once, on its own read connection beside ingest, and a damaged file is logged as critical and turns /healthz
/// unhealthy (the dashboard keeps serving what it can read; the operator decides when to restore).
/// </summary>
public sealed class DatabaseFileWatch(SchemaMigrator migrator, SqliteConnectionFactory connections, StorageHealth health,
    ILogger<DatabaseFileWatch> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!migrator.QuickCheckDeferred)
        {
            return Task.CompletedTask;
        }
        // Its own thread: the check is one long synchronous PRAGMA (minutes on a file of many GB).
        return Task.Factory.StartNew(() =>
        {
            logger.LogInformation("Checking every page of {File} in the background (PRAGMA quick_check)", connections.DataSource);
            var started = Environment.TickCount64;
            var damage = DatabaseFileCheck.QuickCheck(connections.DataSource);
            if (damage is null)
            {
                logger.LogInformation("Database file check passed in {Seconds:F0} s", (Environment.TickCount64 - started) / 1000d);
                return;
            }
            health.FileDamage = damage;
            logger.LogCritical("{Damage}", damage);
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
