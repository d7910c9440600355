using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>
/// Posts to Alertmanager targets, one POST at a time. Serializing matters: a re-send of the firing list
/// read just before an alert resolved, arriving after the resolve, would re-open it for five minutes.
/// Inside the gate the re-sender reads the firing alerts and posts them, so a resolve (stored before it
/// is notified) is either already left out of that read or posted after it.
/// </summary>
public sealed class AlertmanagerClient(IHttpClientFactory clients, WebhookStatus status, TimeProvider time, ILogger<AlertmanagerClient> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>A fire or resolve notification, with the sender's retries.</summary>
    public async Task NotifyAsync(WebhookTarget target, AlertChangedMessage alert, CancellationToken ct)
    {
        if (!AlertmanagerPayload.Sends(alert))
        {
            return;
        }
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; attempt <= WebhookSender.Attempts; attempt++)
            {
                if (await PostAsync(target, [alert], ct))
                {
                    return;
                }
                if (attempt < WebhookSender.Attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1)), time, ct);
                }
            }
            logger.LogError("Alertmanager {Url} gave up on alert {Id} after {Attempts} attempts", target.Url, alert.Id, WebhookSender.Attempts);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the firing alerts and posts them to every target, under the gate; a failed round heals at the next.</summary>
    public async Task ResendAsync(IReadOnlyList<WebhookTarget> targets, Func<CancellationToken, Task<List<AlertChangedMessage>>> firing, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var alerts = await firing(ct);
            if (alerts.Count == 0)
            {
                return;
            }
            foreach (var target in targets)
            {
                await PostAsync(target, alerts, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> PostAsync(WebhookTarget target, IReadOnlyList<AlertChangedMessage> alerts, CancellationToken ct)
    {
        string failure;
        try
        {
            var client = clients.CreateClient(WebhookSender.ClientName);
            using var response = await client.PostAsync(AlertmanagerPayload.AlertsUrl(target.Url), AlertmanagerPayload.Content(alerts, time.GetUtcNow()), ct);
            if (response.IsSuccessStatusCode)
            {
                status.Record(target.Url, new WebhookResult(true, time.GetUtcNow(), null, null));
                return true;
            }
            failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            failure = ex.Message;
        }
        var now = time.GetUtcNow();
        status.Record(target.Url, new WebhookResult(false, now, failure, now));
        logger.LogWarning("Posting {Count} alerts to Alertmanager {Url} failed: {Failure}", alerts.Count, target.Url, failure);
        return false;
    }
}
