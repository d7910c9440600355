using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>The last delivery attempt per webhook URL, shown on /settings.</summary>
public sealed class WebhookStatus
{
    private readonly ConcurrentDictionary<string, WebhookResult> _results = new(StringComparer.Ordinal);

    public void Record(string url, WebhookResult result) => _results.AddOrUpdate(url, result,
        (_, old) => result.Succeeded ? result with { LastFailure = old.LastFailure, LastFailureAt = old.LastFailureAt } : result);

    public WebhookResult? Get(string url) => _results.GetValueOrDefault(url);
}

public sealed record WebhookResult(bool Succeeded, DateTimeOffset At, string? LastFailure, DateTimeOffset? LastFailureAt);

/// <summary>Sends queued fire/resolve notifications to every enabled webhook, with retries and backoff.</summary>
public sealed class WebhookSender(
    AlertNotifier notifier, AlertSettingsStore settings, IHttpClientFactory clients, WebhookStatus status,
    TimeProvider time, ILogger<WebhookSender> logger, AlertmanagerClient alertmanager) : BackgroundService
{
    public const string ClientName = "alerts-webhooks";
    public const int Attempts = 3;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

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
                    logger.LogError(ex, "Could not read webhook settings");
                    continue;
                }
                await Task.WhenAll(targets.Select(t => SendAsync(t, alert, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task SendAsync(WebhookTarget target, AlertChangedMessage alert, CancellationToken ct)
    {
        if (target.Format == AlertmanagerPayload.Format)
        {
            await alertmanager.NotifyAsync(target, alert, ct);
            return;
        }
        var client = clients.CreateClient(ClientName);
        string? failure = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                using var response = await client.PostAsync(target.Url, Body(target, alert), ct);
                if (response.IsSuccessStatusCode)
                {
                    status.Record(target.Url, new WebhookResult(true, time.GetUtcNow(), null, null));
                    return;
                }
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                failure = ex.Message;
            }
            logger.LogWarning("Webhook {Url} attempt {Attempt}/{Attempts} for alert {Id} failed: {Failure}",
                target.Url, attempt, Attempts, alert.Id, failure);
            if (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1)), time, ct);
            }
        }
        var now = time.GetUtcNow();
        status.Record(target.Url, new WebhookResult(false, now, failure, now));
        logger.LogError("Webhook {Url} gave up on alert {Id} after {Attempts} attempts: {Failure}", target.Url, alert.Id, Attempts, failure);
    }

    public static HttpContent Body(WebhookTarget target, AlertChangedMessage alert) => target.Format == "slack"
        ? JsonContent.Create(new { text = SlackText(alert) })
        : JsonContent.Create(alert, options: Json);

    public static string SlackText(AlertChangedMessage a) => string.Create(CultureInfo.InvariantCulture,
        $"[{a.State.ToUpperInvariant()}] {a.Severity} {a.Rule}{(a.Run is null ? "" : " on run " + a.Run)}: {a.Message}");
}
