using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Alerts;

/// <summary>Pending and firing alerts (an index lookup on state, never a scan of history): for /metrics' ALERTS and Alertmanager re-sends.</summary>
public sealed class ActiveAlerts(IDbContextFactory<DashboardDbContext> contexts)
{
    /// <summary>Oldest first, at most <paramref name="limit"/>; <c>Total</c> counts them all.</summary>
    public async Task<(List<AlertChangedMessage> Alerts, int Total)> GetAsync(int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<AlertEntity>().AsNoTracking().Where(a => a.State == AlertState.Pending || a.State == AlertState.Firing);
        var rows = await q.OrderBy(a => a.Id).Take(limit).ToListAsync(ct);
        var total = rows.Count < limit ? rows.Count : await q.CountAsync(ct);
        return (rows.Select(AlertStore.ToMessage).ToList(), total);
    }
}
