using System.Threading.Channels;
using Dashboard.Live;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>
/// Delivers alerts to Alertmanager targets (webhook format "alertmanager"). One loop does everything in
/// order: fire and resolve notifications (with the webhook retries) and, every Alerts:AlertmanagerResendSeconds,
/// a re-send of every firing alert, as Prometheus does, since Alertmanager treats an alert not heard of
/// before its endsAt as resolved. The firing set is kept here, seeded from storage at start and updated
/// by the notifications in the order they come, so a re-send can never re-open an alert that resolved
/// just before it (a read of the table between the resolve and its notification could).
/// </summary>
public sealed class AlertmanagerSender(
    ActiveAlerts active, AlertSettingsStore settings, Cluster.ILeadership leadership, IHttpClientFactory clients, WebhookStatus status,
    IOptions<AlertsOptions> alertOptions, IOptions<WebhookOptions> webhookOptions, TimeProvider time,
    ILogger<AlertmanagerSender> logger) : BackgroundService
{
    /// <summary>Most firing alerts kept for re-sending; beyond it the oldest-started are still notified once but not repeated.</summary>
    public const int MaxFiring = 10_000;

    private readonly Channel<(WebhookTarget? Target, AlertChangedMessage? Alert)> _work =
        Channel.CreateBounded<(WebhookTarget?, AlertChangedMessage?)>(new BoundedChannelOptions(10_000)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });

    private readonly Dictionary<long, AlertChangedMessage> _firing = [];

    // Set when this instance takes the alert lease: the firing set was kept by another instance until then.
    private volatile bool _reseed;

    /// <summary>Called by <see cref="WebhookSender"/> for each Alertmanager target and notification; never waits.</summary>
    public void Enqueue(WebhookTarget target, AlertChangedMessage alert)
    {
        if (!_work.Writer.TryWrite((target, alert)))
        {
            status.RecordFailure(target.Url, $"queue full: alert {alert.Id} dropped");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        leadership.Acquired += () => _reseed = true;
        var ticks = TickAsync(stoppingToken);
        try
        {
            await SeedAsync(stoppingToken);
            await foreach (var (target, alert) in _work.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (alert is null)
                    {
                        await ResendAsync(stoppingToken);
                    }
                    else
                    {
                        await NotifyAsync(target!, alert, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Alertmanager delivery failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await ticks;
    }

    private async Task TickAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(alertOptions.Value.AlertmanagerResendSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                _work.Writer.TryWrite((null, null));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        try
        {
            foreach (var a in (await active.GetAsync(MaxFiring, ct)).Alerts.Where(a => a.State == AlertState.Firing))
            {
                _firing[a.Id] = a;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without the seed, alerts firing before a restart reach Alertmanager again only when they change.
            logger.LogWarning(ex, "Could not read the firing alerts to re-send to Alertmanager");
        }
    }

    private async Task NotifyAsync(WebhookTarget target, AlertChangedMessage alert, CancellationToken ct)
    {
        if (alert.State == AlertState.Firing && (_firing.Count < MaxFiring || _firing.ContainsKey(alert.Id)))
        {
            _firing[alert.Id] = alert;
        }
        else if (alert.State != AlertState.Firing)
        {
            _firing.Remove(alert.Id);
        }
        if (!AlertmanagerPayload.Sends(alert))
        {
            return;
        }
        var o = webhookOptions.Value;
        for (var attempt = 1; attempt <= o.Attempts; attempt++)
        {
            if (await PostAsync(target, [alert], ct))
            {
                return;
            }
            if (attempt < o.Attempts)
            {
                await Task.Delay(WebhookSender.Backoff(o.RetryBaseMilliseconds, attempt), time, ct);
            }
        }
        logger.LogError("Alertmanager {Url} gave up on alert {Id} after {Attempts} attempts", target.Url, alert.Id, o.Attempts);
    }

    private async Task ResendAsync(CancellationToken ct)
    {
        // Only the lease holder re-sends, so Alertmanager hears each firing alert once per round.
        if (!leadership.IsLeader)
        {
            return;
        }
        if (_reseed)
        {
            _reseed = false;
            _firing.Clear();
            await SeedAsync(ct);
        }
        if (_firing.Count == 0)
        {
            return;
        }
        var targets = (await settings.GetAsync(ct)).Webhooks.Where(w => w.Enabled && w.Format == AlertmanagerPayload.Format);
        foreach (var target in targets)
        {
            // One try: the next round comes soon and repeats the whole set.
            await PostAsync(target, [.. _firing.Values], ct);
        }
    }

    private async Task<bool> PostAsync(WebhookTarget target, IReadOnlyList<AlertChangedMessage> alerts, CancellationToken ct)
    {
        var o = webhookOptions.Value;
        string failure;
        try
        {
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attemptTimeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
            using var response = await clients.CreateClient(WebhookSender.ClientName).PostAsync(
                AlertmanagerPayload.AlertsUrl(target.Url), AlertmanagerPayload.Content(alerts, time.GetUtcNow()), attemptTimeout.Token);
            if (response.IsSuccessStatusCode)
            {
                status.RecordSuccess(target.Url);
                return true;
            }
            failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            failure = ex is OperationCanceledException ? $"no answer within {o.TimeoutSeconds} s" : ex.Message;
        }
        status.RecordFailure(target.Url, failure);
        logger.LogWarning("Posting {Count} alerts to Alertmanager {Url} failed: {Failure}", alerts.Count, target.Url, failure);
        return false;
    }
}
