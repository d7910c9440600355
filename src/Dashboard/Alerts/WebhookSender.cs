using System.Collections.Concurrent;
using Dashboard.Live;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>
/// Fans each fire/resolve notification out to every enabled webhook's own <see cref="WebhookTargetQueue"/>,
/// so targets are served in parallel and a dead one delays nobody else. Each delivery is tried
/// Webhooks:Attempts times with doubling backoff; its outcome goes to <see cref="WebhookStatus"/> (kept in the database).
/// </summary>
public sealed class WebhookSender(
    AlertNotifier notifier, AlertSettingsStore settings, IHttpClientFactory clients, WebhookStatus status,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger, AlertmanagerSender alertmanager) : BackgroundService
{
    public const string ClientName = "alerts-webhooks";

    private readonly ConcurrentDictionary<(string Url, string Format), WebhookTargetQueue> _targets = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in notifier.Notifications.ReadAllAsync(stoppingToken))
            {
                List<WebhookTarget> targets;
                try
                {
                    targets = (await settings.GetAsync(stoppingToken)).Webhooks.Where(w => w.Enabled).ToList();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Could not read webhook settings; alert {Id} is not notified", alert.Id);
                    continue;
                }
                foreach (var target in targets)
                {
                    Enqueue(target, alert, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var queue in _targets.Values)
            {
                queue.Complete();
            }
            await Task.WhenAll(_targets.Values.Select(q => q.Worker));
        }
    }

    private void Enqueue(WebhookTarget target, AlertChangedMessage alert, CancellationToken stoppingToken)
    {
        if (target.Format == AlertmanagerPayload.Format)
        {
            alertmanager.Enqueue(target, alert);
            return;
        }
        var queue = _targets.GetOrAdd((target.Url, target.Format), key =>
            new WebhookTargetQueue(key.Url, WebhookFormats.Get(key.Format), options.Value.QueueCapacity, SendAsync, stoppingToken));
        if (!queue.TryEnqueue(alert))
        {
            var failure = $"queue full ({options.Value.QueueCapacity} waiting): alert {alert.Id} dropped";
            logger.LogError("Webhook {Url}: {Failure}", target.Url, failure);
            status.RecordFailure(target.Url, failure);
        }
    }

    internal async Task SendAsync(string url, IWebhookFormat format, AlertChangedMessage alert, CancellationToken ct)
    {
        var o = options.Value;
        var client = clients.CreateClient(ClientName);
        string? failure = null;
        for (var attempt = 1; attempt <= o.Attempts; attempt++)
        {
            try
            {
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptTimeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
                using var response = await client.PostAsync(url, format.Body(alert), attemptTimeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    status.RecordSuccess(url);
                    return;
                }
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                failure = ex is OperationCanceledException ? $"no answer within {o.TimeoutSeconds} s" : ex.Message;
            }
            logger.LogWarning("Webhook {Url} attempt {Attempt}/{Attempts} for alert {Id} failed: {Failure}",
                url, attempt, o.Attempts, alert.Id, failure);
            if (attempt < o.Attempts)
            {
                await Task.Delay(Backoff(o.RetryBaseMilliseconds, attempt), time, ct);
            }
        }
        status.RecordFailure(url, failure!);
        logger.LogError("Webhook {Url} gave up on alert {Id} after {Attempts} attempts: {Failure}", url, alert.Id, o.Attempts, failure);
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: base, 2 × base, 4 × base ...</summary>
    public static TimeSpan Backoff(int baseMilliseconds, int attempt) =>
        TimeSpan.FromMilliseconds(baseMilliseconds * Math.Pow(2, attempt - 1));
}
