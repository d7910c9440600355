using System.Data.Common;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Persistence;

/// <summary>
/// The single writer: takes every request waiting in the queue (up to a point budget), commits them
/// in one transaction (group commit), then acknowledges each request and only then publishes the
/// batch for live pages, so a browser never shows what the file lacks.
/// </summary>
public sealed class BatchWriter(
    WriteQueue queue,
    IPointWriter store,
    IEnumerable<ICommittedBatchSink> sinks,
    StorageHealth health,
    Metrics.WriterMetrics metrics,
    IOptions<IngestOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<BatchWriter> logger) : BackgroundService
{
    private readonly List<PendingWrite> _batch = [];
    private readonly ICommittedBatchSink[] _sinks = sinks.ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Shutdown closes the queue instead of cancelling this loop, so everything already
        // acknowledged-to-be-written is drained and committed before the process exits.
        lifetime.ApplicationStopping.Register(queue.Close);
        while (await queue.WaitToReadAsync())
        {
            _batch.Clear();
            var points = 0;
            while (points < options.Value.MaxBatchPoints && queue.TryRead(out var write))
            {
                _batch.Add(write);
                points += write.PointCount;
            }
            if (_batch.Count > 0)
            {
                Commit();
            }
        }
        store.Dispose();
    }

    private void Commit()
    {
        WriteOutcome[] outcomes;
        CommittedBatch committed;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            (outcomes, committed) = store.Write(_batch);
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException)
        {
            if (!health.Failing)
            {
                logger.LogError(ex, "Writing {Requests} requests failed; they are answered 503 and nothing of them is stored", _batch.Count);
            }
            health.Failing = true;
            metrics.StorageFailed();
            store.Reset();
            var error = new StorageUnavailableException("The database could not commit the write.", ex);
            foreach (var write in _batch)
            {
                write.Fail(error);
            }
            return;
        }
        if (health.Failing)
        {
            logger.LogInformation("Storage recovered; writes are committed again");
            health.Failing = false;
        }
        for (var i = 0; i < _batch.Count; i++)
        {
            _batch[i].Complete(outcomes[i]);
        }
        metrics.Committed(committed, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        RuntimeTimings.Add(RuntimeTimings.Kind.Commit, RuntimeTimings.Enabled ? started : 0);
        foreach (var sink in _sinks)
        {
            sink.Publish(committed);
        }
    }
}
