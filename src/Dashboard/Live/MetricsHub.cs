using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Live;

/// <summary>
/// Subscriptions only: the hub runs no queries; <see cref="HubConnections"/> remembers who opened each connection so revocation can close it. Pages render their initial data
/// on the server, then join a group here and apply what <see cref="LivePushService"/> sends.
/// </summary>
public sealed class MetricsHub(HubConnections connections) : Hub<IMetricsClient>
{
    public const string Path = "/hubs/metrics";
    public const string OverviewGroup = "overview";
    public const string AlertsGroup = "alerts";

    public static string RunGroup(string run) => "run:" + run;

    public override Task OnConnectedAsync()
    {
        connections.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public Task SubscribeRun(string run) => Groups.AddToGroupAsync(Live(), RunGroup(Validate(run)));

    public Task UnsubscribeRun(string run) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(Validate(run)));

    public Task SubscribeOverview() => Groups.AddToGroupAsync(Live(), OverviewGroup);

    public Task UnsubscribeOverview() => Groups.RemoveFromGroupAsync(Context.ConnectionId, OverviewGroup);

    public Task SubscribeAlerts() => Groups.AddToGroupAsync(Live(), AlertsGroup);

    /// <summary>The caller's connection id, unless its key or session was revoked while the call was on its way.</summary>
    private string Live() => connections.IsValid(Context.ConnectionId)
        ? Context.ConnectionId
        : throw new HubException("The key or session of this connection was revoked.");

    private static string Validate(string run) =>
        RunNameRule.IsValid(run) ? run : throw new HubException(RunNameRule.Message("run"));
}
