using Microsoft.EntityFrameworkCore;

namespace Dashboard.Storage.Ef;

/// <summary>Silences and the alert settings document through EF Core, for both providers (see <see cref="EfAlertStore"/>).</summary>
public sealed class EfSilenceStore(IDbContextFactory<DashboardDbContext> contexts) : ISilenceStore, IAlertSettingsStore
{
    public async Task<List<SilenceEntity>> GetSilencesAsync(SilenceFilter filter, long now, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<SilenceEntity>().AsNoTracking();
        q = filter switch
        {
            SilenceFilter.Active => q.Where(s => s.StartsAt <= now && s.EndsAt > now),
            SilenceFilter.Pending => q.Where(s => s.StartsAt > now),
            SilenceFilter.Expired => q.Where(s => s.EndsAt <= now),
            _ => q,
        };
        return await q.OrderByDescending(s => s.Id).Take(limit).ToListAsync(ct);
    }

    public async Task<List<SilenceEntity>> GetActiveSilencesAsync(long now, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<SilenceEntity>().AsNoTracking()
            .Where(s => s.EndsAt > now && s.StartsAt <= now).OrderBy(s => s.Id).ToListAsync(ct);
    }

    public async Task AddSilenceAsync(SilenceEntity silence, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(silence);
        await db.SaveChangesAsync(ct);
    }

    public async Task<SilenceEntity?> ExpireSilenceAsync(long id, long now, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<SilenceEntity>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return null;
        }
        if (row.EndsAt > now)
        {
            row.EndsAt = now;
            row.StartsAt = Math.Min(row.StartsAt, now);
            await db.SaveChangesAsync(ct);
        }
        return row;
    }

    public async Task<string?> GetSettingsDocumentAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<AlertSettingsEntity>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        return row?.Document;
    }

    public async Task SaveSettingsDocumentAsync(string document, long updatedAt, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<AlertSettingsEntity>().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null)
        {
            db.Add(new AlertSettingsEntity { Id = 1, Document = document, UpdatedAt = updatedAt });
        }
        else
        {
            row.Document = document;
            row.UpdatedAt = updatedAt;
        }
        await db.SaveChangesAsync(ct);
    }
}
