using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dashboard.Runs;

/// <summary>
/// Removes what deleted runs left behind (points, logs, event ids of the ids in run_purges) in batches of
/// <see cref="BatchRows"/>, each its own short transaction on the writer's connection so ingest keeps flowing. A run's
/// purge row goes last, so a crash at any point leaves it to be continued at the next start.
/// </summary>
public sealed class RunPurger(SqlitePointWriter writer, TimeProvider time, ILogger<RunPurger> logger) : BackgroundService
{
    internal const int BatchRows = 5_000;

    private static readonly string[] Deletes =
    [
        "DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE run_id = $a LIMIT $n)",
        // event_ids is WITHOUT ROWID: batch over its primary key instead.
        "DELETE FROM event_ids WHERE (run_id, event_id) IN (SELECT run_id, event_id FROM event_ids WHERE run_id = $a LIMIT $n)",
    ];

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>How many deleted runs still wait for their purge.</summary>
    public long Pending => writer.RunExclusive(c =>
    {
        using var count = c.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM run_purges";
        return (long)count.ExecuteScalar()!;
    });

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
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Purging deleted runs failed; it is tried again in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    private void PurgeAll(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && NextPurge() is { } next)
        {
            long rows = 0;
            foreach (var sql in Deletes)
            {
                rows += DeleteInBatches(writer, sql, next.Id, stop);
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            writer.RunExclusive(c =>
            {
                using var done = c.CreateCommand();
                done.CommandText = "DELETE FROM run_purges WHERE run_id = $a";
                done.Parameters.AddWithValue("$a", next.Id);
                return done.ExecuteNonQuery();
            });
            logger.LogInformation("Purged deleted run {Run} (id {Id}): {Rows} rows", next.Name, next.Id, rows);
        }
    }

    private (long Id, string Name)? NextPurge() => writer.RunExclusive<(long, string)?>(c =>
    {
        using var select = c.CreateCommand();
        select.CommandText = "SELECT run_id, name FROM run_purges ORDER BY marked_at, run_id LIMIT 1";
        using var reader = select.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    });

    /// <summary>Runs a batched DELETE (parameters $a and $n) until a batch deletes fewer than <see cref="BatchRows"/> rows.</summary>
    internal static long DeleteInBatches(SqlitePointWriter writer, string sql, long arg, CancellationToken stop)
    {
        long total = 0;
        while (!stop.IsCancellationRequested)
        {
            var deleted = writer.RunExclusive(c =>
            {
                using var tx = c.BeginTransaction();
                using var command = c.CreateCommand();
                command.Transaction = tx;
                command.CommandText = sql;
                command.Parameters.AddWithValue("$a", arg);
                command.Parameters.AddWithValue("$n", BatchRows);
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
