using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Creates today's and the next two days' point partitions at start-up and every hour, so live ingest never waits
/// for DDL at midnight (the writer still creates any other day a batch needs, e.g. a backfill of old data).
/// </summary>
public sealed class PostgresMaintenance(NpgsqlDataSource data, PostgresPartitions partitions, TimeProvider time,
    ILogger<PostgresMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await using var connection = await data.OpenConnectionAsync(stoppingToken);
                partitions.EnsureAhead(connection, time.GetUtcNow());
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Could not create the next days' point partitions; the writer creates them when needed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
