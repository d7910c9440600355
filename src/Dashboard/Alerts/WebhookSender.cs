using System.Collections.Concurrent;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>
/// Groups each fire/resolve (see <see cref="NotificationGroups"/>, with the timers of the settings' notifications section)
/// and fans each due notification out to every enabled webhook's own <see cref="WebhookTargetQueue"/>, so targets are
/// served in parallel and a dead one delays nobody else. External alerts (POST /api/v1/alerts) are sent at once, ungrouped;
/// Alertmanager targets get every fire and resolve as it comes and group by themselves. Each delivery is tried
/// Webhooks:Attempts times with doubling backoff; its outcome goes to <see cref="WebhookStatus"/> (kept in the database).
/// The groups are kept in the database too (<see cref="INotificationGroupStore"/>): read at start and whenever this
/// instance becomes the leader; only the leader (the instance evaluating rules) sends grouped notifications.
/// </summary>
public sealed class WebhookSender(
    AlertNotifier notifier, AlertSettingsStore settings, IHttpClientFactory clients, WebhookStatus status,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger, AlertmanagerSender alertmanager,
    INotificationGroupStore groupStore, Cluster.ILeadership leadership) : BackgroundService
{
    public const string ClientName = "alerts-webhooks";

    // A follower looks this often whether it has become the leader (and must read the groups and send what is due).
    private static readonly TimeSpan FollowerCheck = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Url, string Format), WebhookTargetQueue> _targets = new();
    private readonly NotificationGroups _groups = new(groupStore, logger);
    private volatile bool _reload = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = notifier.Notifications;
        Task<bool>? waiting = null;
        leadership.Acquired += () => _reload = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var leader = leadership.IsLeader;
                if (!leader)
                {
                    _reload = true;
                }
                else if (_reload)
                {
                    // Before this evaluation's changes: they apply to the groups as the previous leader (or run) left them.
                    _reload = false;
                    _groups.Load();
                }
                AlertSettings current;
                try
                {
                    current = await settings.GetAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Could not read webhook settings; notifications wait for the next change");
                    current = new AlertSettings();
                }
                while (reader.TryRead(out var changes))
                {
                    foreach (var change in changes)
                    {
                        Route(change, current, leader, stoppingToken);
                    }
                }
                if (leader)
                {
                    foreach (var notification in _groups.TakeDue(time.GetUtcNow(), current.Notifications))
                    {
                        Fan(notification, current, stoppingToken);
                    }
                }
                waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
                if ((leader ? _groups.NextDue(current.Notifications) : time.GetUtcNow() + FollowerCheck) is { } due)
                {
                    // Wake for the next group falling due, or a new change, whichever comes first.
                    using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var delay = Task.Delay(Max(due - time.GetUtcNow(), TimeSpan.Zero), time, timer.Token);
                    await Task.WhenAny(waiting, delay);
                    await timer.CancelAsync();
                }
                else
                {
                    await waiting;
                }
                if (waiting.IsCompleted)
                {
                    if (!await waiting)
                    {
                        break;
                    }
                    waiting = null;
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

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Route(AlertChange change, AlertSettings current, bool leader, CancellationToken stoppingToken)
    {
        if (change.Notify)
        {
            foreach (var target in current.Webhooks.Where(w => w.Enabled && w.Format == AlertmanagerPayload.Format))
            {
                alertmanager.Enqueue(target, change.Alert);
            }
        }
        if (change.Alert.Rule.StartsWith(AlertStore.ExternalPrefix, StringComparison.Ordinal))
        {
            if (change.Notify)
            {
                Fan(AlertNotification.Single(change.Alert), current, stoppingToken);
            }
            return;
        }
        // Rule alerts change on the leader only; an acknowledgement made on a follower cannot reach the leader's groups.
        if (leader)
        {
            _groups.Add(change, time.GetUtcNow());
        }
    }

    private void Fan(AlertNotification notification, AlertSettings current, CancellationToken stoppingToken)
    {
        foreach (var target in current.Webhooks.Where(w => w.Enabled && w.Format != AlertmanagerPayload.Format))
        {
            var queue = _targets.GetOrAdd((target.Url, target.Format), key =>
                new WebhookTargetQueue(key.Url, WebhookFormats.Get(key.Format), options.Value.QueueCapacity, SendAsync, stoppingToken));
            if (!queue.TryEnqueue(notification))
            {
                var failure = $"queue full ({options.Value.QueueCapacity} waiting): alert {notification.Lead.Id} dropped";
                logger.LogError("Webhook {Url}: {Failure}", target.Url, failure);
                status.RecordFailure(target.Url, failure);
            }
        }
    }

    internal async Task SendAsync(string url, IWebhookFormat format, AlertNotification notification, CancellationToken ct)
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
                using var response = await client.PostAsync(url, format.Body(notification), attemptTimeout.Token);
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
                url, attempt, o.Attempts, notification.Lead.Id, failure);
            if (attempt < o.Attempts)
            {
                await Task.Delay(Backoff(o.RetryBaseMilliseconds, attempt), time, ct);
            }
        }
        status.RecordFailure(url, failure!);
        logger.LogError("Webhook {Url} gave up on alert {Id} after {Attempts} attempts: {Failure}", url, notification.Lead.Id, o.Attempts, failure);
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: base, 2 × base, 4 × base ...</summary>
    public static TimeSpan Backoff(int baseMilliseconds, int attempt) =>
        TimeSpan.FromMilliseconds(baseMilliseconds * Math.Pow(2, attempt - 1));
}
