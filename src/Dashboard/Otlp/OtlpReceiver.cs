using Dashboard.Ingest;
using Dashboard.Persistence;
using Microsoft.Extensions.Options;

namespace Dashboard.Otlp;

/// <summary>How a received OTLP request ended: stored (with the items refused), or not stored because the writer could not take it.</summary>
internal enum OtlpStatus
{
    Stored,
    QueueFull,
    StorageUnavailable,
}

internal sealed record OtlpOutcome(OtlpStatus Status, long Rejected, string? ErrorMessage);

/// <summary>
/// The one path from OTLP (HTTP or gRPC) into storage: the mapped events of each run go through the
/// same quota, bounded queue and group commit as <c>POST /api/v1/ingest</c>, and the answer waits for the commit.
/// </summary>
internal sealed class OtlpReceiver(WriteQueue queue, IngestQuota quota, IOptions<OtlpOptions> options,
    IOptions<IngestOptions> ingest, CumulativeDeltas deltas, TimeProvider time, Metrics.WriterMetrics metrics)
{
    public OtlpOptions Options => options.Value;

    public IngestOptions Limits => ingest.Value;

    public long Now() => Timestamps.ToMicros(time.GetUtcNow());

    public OtlpMetricsMapper Metrics(RunAttribution attribution) => new(options.Value, ingest.Value, deltas, attribution);

    public OtlpTraceMapper Traces(RunAttribution attribution) => new(options.Value, ingest.Value, attribution);

    public OtlpLogsMapper Logs(RunAttribution attribution) => new(ingest.Value, attribution, Now());

    public async Task<OtlpOutcome> StoreAsync(OtlpBatch batch)
    {
        var receivedAt = Now();
        metrics.Rejected("invalid", (int)Math.Min(int.MaxValue, batch.Rejected));
        var writes = new List<PendingWrite>();
        foreach (var ((run, project), events) in batch.Runs)
        {
            if (events.Count == 0)
            {
                continue;
            }
            // Metric points get ingest's content ids (spans carry their span id), so an exporter's retry
            // of a request that did commit stores nothing twice.
            ContentIds.Assign(events);
            if (quota.TryReserve(run, events) is { } overLimit)
            {
                metrics.Rejected("limit", events.Count);
                batch.Reject(events.Count, overLimit.Message);
                continue;
            }
            var write = new PendingWrite(run, project, events, receivedAt);
            if (!queue.TryEnqueue(write))
            {
                metrics.Rejected("queue_full", events.Count);
                if (writes.Count == 0)
                {
                    return new OtlpOutcome(OtlpStatus.QueueFull, 0, null);
                }
                // Runs already queued will commit; refusing the rest in partial_success keeps a retry from storing those twice.
                batch.Reject(events.Count, "The write queue is full; these items were not stored.");
                continue;
            }
            writes.Add(write);
        }
        try
        {
            // Deliberately not cancelled by the client going away: once queued, the write completes.
            await Task.WhenAll(writes.Select(w => w.Committed));
        }
        catch (StorageUnavailableException)
        {
            metrics.Rejected("storage", writes.Sum(w => w.Events.Count));
            return new OtlpOutcome(OtlpStatus.StorageUnavailable, 0, null);
        }
        return new OtlpOutcome(OtlpStatus.Stored, batch.Rejected, batch.ErrorMessage);
    }
}
