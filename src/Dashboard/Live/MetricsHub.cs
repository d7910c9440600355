using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Live;

/// <summary>
/// Subscriptions only: the hub keeps no state and runs no queries. Pages render their initial data
/// on the server, then join a group here and apply what <see cref="LivePushService"/> sends.
/// </summary>
public sealed class MetricsHub : Hub<IMetricsClient>
{
    public const string Path = "/hubs/metrics";
    public const string OverviewGroup = "overview";
    public const string AlertsGroup = "alerts";

    public static string RunGroup(string run) => "run:" + run;

    public Task SubscribeRun(string run) => Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(Validate(run)));

    public Task UnsubscribeRun(string run) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(Validate(run)));

    public Task SubscribeOverview() => Groups.AddToGroupAsync(Context.ConnectionId, OverviewGroup);

    public Task UnsubscribeOverview() => Groups.RemoveFromGroupAsync(Context.ConnectionId, OverviewGroup);

    public Task SubscribeAlerts() => Groups.AddToGroupAsync(Context.ConnectionId, AlertsGroup);

    private static string Validate(string run) =>
        Runs.RunNameRule.IsValid(run) ? run : throw new HubException(Runs.RunNameRule.Message("run"));
}
