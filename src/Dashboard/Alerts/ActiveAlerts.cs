using Dashboard.Live;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>Pending and firing alerts (an index lookup on state, never a scan of history): for /metrics' ALERTS and Alertmanager re-sends.</summary>
public sealed class ActiveAlerts(IAlertStore store)
{
    /// <summary>Oldest first, at most <paramref name="limit"/>; <c>Total</c> counts them all.</summary>
    public async Task<(List<AlertChangedMessage> Alerts, int Total)> GetAsync(int limit, CancellationToken ct = default)
    {
        var (rows, total) = await store.GetAlertsInStatesAsync([AlertState.Pending, AlertState.Firing], limit, ct);
        return (rows.Select(AlertStore.ToMessage).ToList(), total);
    }
}
