using System.Collections.Concurrent;
using Dashboard.Storage;
using Microsoft.Data.Sqlite;

namespace Dashboard.Alerts;

/// <summary>The last delivery outcome per webhook URL as /settings shows it.</summary>
public sealed record WebhookResult(bool Succeeded, DateTimeOffset At, string? LastFailure, DateTimeOffset? LastFailureAt,
    long Delivered = 0, long Failed = 0);

/// <summary>
/// Delivery status per webhook URL: in memory for the page, written through to webhook_status so a restart
/// keeps it. A failed write is logged and the in-memory status still updates: status must never stop delivery.
/// </summary>
public sealed class WebhookStatus(IWebhookStatusStore store, TimeProvider time, ILogger<WebhookStatus> logger)
{
    private readonly object _gate = new();
    private ConcurrentDictionary<string, WebhookResult>? _results;

    public WebhookResult? Get(string url) => Results.GetValueOrDefault(url);

    public void RecordSuccess(string url) => Record(url, null);

    public void RecordFailure(string url, string failure) => Record(url, failure);

    private void Record(string url, string? failure)
    {
        var now = time.GetUtcNow();
        WebhookResult result;
        lock (_gate)
        {
            var old = Results.GetValueOrDefault(url);
            result = failure is null
                ? new WebhookResult(true, now, old?.LastFailure, old?.LastFailureAt, (old?.Delivered ?? 0) + 1, old?.Failed ?? 0)
                : new WebhookResult(false, now, failure, now, old?.Delivered ?? 0, (old?.Failed ?? 0) + 1);
            Results[url] = result;
        }
        try
        {
            store.Save(new WebhookStatusRow(url, result.Succeeded, Timestamps.ToMicros(result.At), result.LastFailure,
                result.LastFailureAt is { } f ? Timestamps.ToMicros(f) : null, result.Delivered, result.Failed));
        }
        catch (SqliteException ex)
        {
            logger.LogWarning(ex, "Could not save the delivery status of webhook {Url}", url);
        }
    }

    private ConcurrentDictionary<string, WebhookResult> Results
    {
        get
        {
            if (_results is { } loaded)
            {
                return loaded;
            }
            lock (_gate)
            {
                // Loaded on first use, not in the constructor: the schema is migrated after services are built.
                return _results ??= new ConcurrentDictionary<string, WebhookResult>(store.GetAll().Select(r => KeyValuePair.Create(r.Url,
                    new WebhookResult(r.Succeeded, Timestamps.FromMicros(r.At), r.LastFailure,
                        r.LastFailureAt is { } f ? Timestamps.FromMicros(f) : null, r.Delivered, r.Failed))), StringComparer.Ordinal);
            }
        }
    }
}
