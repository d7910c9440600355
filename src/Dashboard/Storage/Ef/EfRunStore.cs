using Microsoft.EntityFrameworkCore;

namespace Dashboard.Storage.Ef;

/// <summary>
/// Reads of runs and logs through EF Core, one implementation for both providers. Two differences are spelled per
/// provider so PostgreSQL answers as SQLite does: search ignores ASCII case (SQLite's LIKE does; PostgreSQL needs
/// ILIKE), and names sort by bytes (SQLite compares bytes; a PostgreSQL database's default collation may not: "C").
/// </summary>
public sealed class EfRunStore(IDbContextFactory<DashboardDbContext> contexts, TimeProvider time) : IRunStore
{
    public async Task<RunsPage> GetRunsPageAsync(string? project, string? search, int offset, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var postgres = db.Database.IsNpgsql();
        var runs = db.Runs.AsNoTracking();
        if (!string.IsNullOrEmpty(project))
        {
            runs = runs.Where(r => r.Project == project);
        }
        if (!string.IsNullOrEmpty(search))
        {
            // The escape keeps %, _ and \ in a search literal.
            var pattern = SqlText.ContainsPattern(search);
            runs = postgres
                ? runs.Where(r => EF.Functions.ILike(r.Name, pattern, "\\"))
                : runs.Where(r => EF.Functions.Like(r.Name, pattern, "\\"));
        }
        var total = await runs.CountAsync(ct);
        var recent = runs.OrderByDescending(r => r.LastReceivedAt);
        var rows = await (postgres ? recent.ThenBy(r => EF.Functions.Collate(r.Name, "C")) : recent.ThenBy(r => r.Name))
            .Skip(offset).Take(limit).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var totals = await (
            from m in db.RunMetrics
            join n in db.MetricNames on m.MetricId equals n.Id
            where ids.Contains(m.RunId) && (n.Name == MetricNames.SuccessRate || n.Name == MetricNames.TotalTokens)
            select new { m.RunId, n.Name, m.Count, m.Sum }).ToListAsync(ct);
        var liveSince = Timestamps.ToMicros(time.GetUtcNow() - IRunStore.LiveSpan);
        return new RunsPage(rows.Select(r =>
        {
            var success = totals.Find(t => t.RunId == r.Id && t.Name == MetricNames.SuccessRate);
            var tokens = totals.Find(t => t.RunId == r.Id && t.Name == MetricNames.TotalTokens);
            return new RunSummary(
                r.Name, r.Project,
                r.FirstTs is { } f ? Timestamps.FromMicros(f) : null,
                r.LastTs is { } l ? Timestamps.FromMicros(l) : null,
                Timestamps.FromMicros(r.LastReceivedAt),
                r.EventCount,
                success?.Count ?? 0,
                success is { Count: > 0 } ? success.Sum / success.Count : null,
                success is { Count: > 0 } ? 1 - success.Sum / success.Count : null,
                (long)(tokens?.Sum ?? 0),
                r.LastReceivedAt >= liveSince);
        }).ToList(), total);
    }

    public async Task<IReadOnlyList<string>> GetProjectsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var projects = await db.Runs.AsNoTracking().Select(r => r.Project).Distinct().ToListAsync(ct);
        return projects.Order(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<LogLineResponse>> GetLogsAsync(long runId, string? level, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var logs = db.Logs.AsNoTracking().Where(l => l.RunId == runId);
        if (!string.IsNullOrEmpty(level))
        {
            logs = logs.Where(l => l.Level == level);
        }
        var rows = await logs.OrderByDescending(l => l.Ts).ThenByDescending(l => l.Id).Take(limit).ToListAsync(ct);
        return rows.Select(l => new LogLineResponse(Timestamps.FromMicros(l.Ts), l.Level, l.Message, l.Data)).ToList();
    }
}
