using Microsoft.EntityFrameworkCore;

namespace Dashboard.Storage.Ef;

/// <summary>
/// Alerts through EF Core. One implementation serves both providers: the statements are plain (equality, LIKE on a
/// prefix, ORDER BY id, a grouped count), and the schema steps give the same tables and columns on SQLite and PostgreSQL.
/// </summary>
public sealed class EfAlertStore(IDbContextFactory<DashboardDbContext> contexts) : IAlertStore
{
    public async Task<T> EditAlertsAsync<T>(IReadOnlyCollection<string> states, string excludedRulePrefix, int maxPerRun,
        Func<IReadOnlyList<AlertEntity>, IAlertEdits, T> edit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var active = await db.Set<AlertEntity>()
            .Where(a => states.Contains(a.State) && !a.Rule.StartsWith(excludedRulePrefix))
            .ToListAsync(ct);
        var edits = new Edits(db);
        var result = edit(active, edits);
        await db.SaveChangesAsync(ct);
        if (edits.AddedRuns.Count > 0)
        {
            await CapAsync(db, edits.AddedRuns, maxPerRun, ct);
        }
        return result;
    }

    public async Task<AlertEntity?> EditAlertAsync(long id, Func<AlertEntity, bool> edit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Set<AlertEntity>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is not null && edit(alert))
        {
            await db.SaveChangesAsync(ct);
        }
        return alert;
    }

    public async Task AddAlertAsync(AlertEntity alert, int maxPerRun, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(alert);
        await db.SaveChangesAsync(ct);
        await CapAsync(db, [alert.Run], maxPerRun, ct);
    }

    public async Task<List<AlertEntity>> GetAlertsAsync(AlertFilter filter, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<AlertEntity>().AsNoTracking();
        if (filter.Rule is { } rule)
        {
            q = q.Where(a => a.Rule == rule);
        }
        if (filter.Run is { } run)
        {
            q = q.Where(a => a.Run == run);
        }
        if (filter.Severity is { } severity)
        {
            q = q.Where(a => a.Severity == severity);
        }
        if (filter.State is { } state)
        {
            q = q.Where(a => a.State == state);
        }
        return await q.OrderByDescending(a => a.Id).Take(limit).ToListAsync(ct);
    }

    public async Task<(List<AlertEntity> Alerts, int Total)> GetAlertsInStatesAsync(IReadOnlyCollection<string> states, int limit,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<AlertEntity>().AsNoTracking().Where(a => states.Contains(a.State));
        var rows = await q.OrderBy(a => a.Id).Take(limit).ToListAsync(ct);
        var total = rows.Count < limit ? rows.Count : await q.CountAsync(ct);
        return (rows, total);
    }

    /// <summary>Keeps the newest <paramref name="max"/> alerts of each run; alerts not resolved are never dropped.</summary>
    private static async Task CapAsync(DashboardDbContext db, HashSet<string?> runs, int max, CancellationToken ct)
    {
        var named = runs.Where(r => r is not null).ToList();
        var includeNull = runs.Contains(null);
        var over = await db.Set<AlertEntity>()
            .Where(a => named.Contains(a.Run) || (includeNull && a.Run == null))
            .GroupBy(a => a.Run)
            .Where(g => g.Count() > max)
            .Select(g => g.Key)
            .ToListAsync(ct);
        foreach (var run in over)
        {
            var q = db.Set<AlertEntity>().Where(a => a.Run == run);
            var keepFrom = await q.OrderByDescending(a => a.Id).Skip(max - 1).Select(a => a.Id).FirstAsync(ct);
            await q.Where(a => a.Id < keepFrom && a.State == ResolvedState).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>The one state whose alerts a cap may drop (Alerts' AlertState.Resolved; a stored value, part of the schema).</summary>
    private const string ResolvedState = "resolved";

    private sealed class Edits(DashboardDbContext db) : IAlertEdits
    {
        public HashSet<string?> AddedRuns { get; } = [];

        public void Add(AlertEntity alert)
        {
            db.Add(alert);
            AddedRuns.Add(alert.Run);
        }

        public void Remove(AlertEntity alert) => db.Remove(alert);
    }
}
