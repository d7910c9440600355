using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Alerts;

/// <summary>Silences, kept in the database (so every instance and restart sees them); expired ones stay as history.</summary>
public sealed class SilenceStore(IDbContextFactory<DashboardDbContext> contexts, TimeProvider time)
{
    public const int MaxListed = 1000;

    /// <summary>Newest first; state filters on active, pending or expired at this moment.</summary>
    public async Task<List<Silence>> GetAsync(string? state, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<SilenceEntity>().AsNoTracking();
        q = state switch
        {
            Silence.Active => q.Where(s => s.StartsAt <= micros && s.EndsAt > micros),
            Silence.Pending => q.Where(s => s.StartsAt > micros),
            Silence.Expired => q.Where(s => s.EndsAt <= micros),
            _ => q,
        };
        var rows = await q.OrderByDescending(s => s.Id).Take(MaxListed).ToListAsync(ct);
        return rows.Select(r => ToSilence(r, now)).ToList();
    }

    /// <summary>The silences active now: an indexed read of the few not yet ended.</summary>
    public async Task<ActiveSilences> GetActiveAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<SilenceEntity>().AsNoTracking()
            .Where(s => s.EndsAt > micros && s.StartsAt <= micros).OrderBy(s => s.Id).ToListAsync(ct);
        return new ActiveSilences(rows.Select(r => ToSilence(r, now)).ToList(), now);
    }

    public async Task<Silence> AddAsync(SilenceEntity silence, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(silence);
        await db.SaveChangesAsync(ct);
        return ToSilence(silence, time.GetUtcNow());
    }

    /// <summary>Ends a silence now (a pending one never starts); null when there is no such silence.</summary>
    public async Task<Silence?> ExpireAsync(long id, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<SilenceEntity>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return null;
        }
        if (row.EndsAt > micros)
        {
            row.EndsAt = micros;
            row.StartsAt = Math.Min(row.StartsAt, micros);
            await db.SaveChangesAsync(ct);
        }
        return ToSilence(row, now);
    }

    private static Silence ToSilence(SilenceEntity e, DateTimeOffset now) => new(
        e.Id, e.Rule, e.Run,
        e.Labels is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(e.Labels),
        Timestamps.FromMicros(e.StartsAt), Timestamps.FromMicros(e.EndsAt), e.Reason, e.CreatedBy,
        Timestamps.FromMicros(e.CreatedAt), now);
}
