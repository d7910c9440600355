using System.Text.Json;
using Dashboard.Cluster;
using Dashboard.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Alerts;

/// <summary>
/// Alert changes across instances: each change goes to the local sink (push and webhooks, once, here) and, as
/// a NOTIFY, to the other instances, which only push it to their own pages and hub clients.
/// </summary>
public sealed class AlertPeerRelay : IAlertSink
{
    public const string Kind = "alert";

    // Client-given alert messages can be long (Ingest:MaxTextLength); the push is cut to fit a NOTIFY.
    private const int MaxMessageChars = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly IAlertSink _local;
    private readonly ClusterBus _bus;
    private readonly IHubContext<MetricsHub, IMetricsClient> _hub;
    private readonly ILogger<AlertPeerRelay> _logger;

    public AlertPeerRelay(IAlertSink local, ClusterBus bus, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<AlertPeerRelay> logger)
    {
        _local = local;
        _bus = bus;
        _hub = hub;
        _logger = logger;
        bus.On(Kind, body => _ = PushAsync(JsonSerializer.Deserialize<AlertChangedMessage>(body, Json)!));
    }

    public async ValueTask OnAlertChangedAsync(AlertChange change)
    {
        await _local.OnAlertChangedAsync(change);
        await PublishAsync(change);
    }

    public async ValueTask OnAlertsChangedAsync(IReadOnlyList<AlertChange> changes)
    {
        await _local.OnAlertsChangedAsync(changes);
        foreach (var change in changes)
        {
            await PublishAsync(change);
        }
    }

    private async Task PublishAsync(AlertChange change)
    {
        var alert = change.Alert.Message.Length <= MaxMessageChars
            ? change.Alert
            : change.Alert with { Message = string.Concat(change.Alert.Message.AsSpan(0, MaxMessageChars - 1), "…") };
        try
        {
            await _bus.PublishAsync(Kind, JsonSerializer.Serialize(alert, Json));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Telling the other instances about alert {Id} failed; their pages show it when reloaded", alert.Id);
        }
    }

    private async Task PushAsync(AlertChangedMessage alert)
    {
        try
        {
            await _hub.Clients.Group(MetricsHub.AlertsGroup).AlertChanged(alert);
            if (alert.Run is { } run)
            {
                await _hub.Clients.Group(MetricsHub.RunGroup(run)).AlertChanged(alert);
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Live push of relayed alert {Id} failed", alert.Id);
        }
    }
}
