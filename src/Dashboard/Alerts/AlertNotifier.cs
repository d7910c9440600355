using System.Threading.Channels;
using Dashboard.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Alerts;

/// <summary>
/// Pushes each change to the alerts group and the run's group, and queues it for <see cref="WebhookSender"/> (fires and
/// resolves join their notification group; other changes of a rule alert, such as an acknowledgement, refresh it there);
/// the queue is bounded and written with TryWrite so evaluation never waits on a webhook. Silenced alerts notify nobody.
/// </summary>
public sealed class AlertNotifier(IHubContext<MetricsHub, IMetricsClient> hub, ILogger<AlertNotifier> logger) : IAlertSink
{
    public const int QueueCapacity = 10_000;

    // One item per evaluation (or per single change), so the sender routes an evaluation's changes together.
    private readonly Channel<IReadOnlyList<AlertChange>> _queue = Channel.CreateBounded<IReadOnlyList<AlertChange>>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<IReadOnlyList<AlertChange>> Notifications => _queue.Reader;

    public ValueTask OnAlertChangedAsync(AlertChange change) => OnAlertsChangedAsync([change]);

    public async ValueTask OnAlertsChangedAsync(IReadOnlyList<AlertChange> changes)
    {
        // Silenced alerts notify nobody; other changes (an acknowledgement) only refresh an alert the sender already groups.
        var queued = changes.Select(c => c.Alert.Silenced ? c with { Notify = false } : c).ToList();
        if (!_queue.Writer.TryWrite(queued))
        {
            foreach (var change in queued.Where(c => c.Notify))
            {
                logger.LogWarning("Webhook queue full; alert {Id} ({Rule}) is not notified", change.Alert.Id, change.Alert.Rule);
            }
        }
        foreach (var change in queued)
        {
            try
            {
                await hub.Clients.Group(MetricsHub.AlertsGroup).AlertChanged(change.Alert);
                if (change.Alert.Run is { } run)
                {
                    await hub.Clients.Group(MetricsHub.RunGroup(run)).AlertChanged(change.Alert);
                }
                Changed?.Invoke(change.Alert);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Live push of alert {Id} failed", change.Alert.Id);
            }
        }
    }

    /// <summary>Every change, in-process, for the interactive pages (they apply it to what they show; keep handlers quick).</summary>
    public event Action<AlertChangedMessage>? Changed;
}
