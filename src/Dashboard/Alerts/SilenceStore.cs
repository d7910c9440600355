using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>Silences, kept in the database (so every instance and restart sees them); expired ones stay as history.</summary>
public sealed class SilenceStore(ISilenceStore store, TimeProvider time)
{
    public const int MaxListed = 1000;

    /// <summary>Newest first; state filters on active, pending or expired at this moment.</summary>
    public async Task<List<Silence>> GetAsync(string? state, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        var filter = state switch
        {
            Silence.Active => SilenceFilter.Active,
            Silence.Pending => SilenceFilter.Pending,
            Silence.Expired => SilenceFilter.Expired,
            _ => SilenceFilter.All,
        };
        var rows = await store.GetSilencesAsync(filter, micros, MaxListed, ct);
        return rows.Select(r => ToSilence(r, now)).ToList();
    }

    /// <summary>The silences active now: an indexed read of the few not yet ended.</summary>
    public async Task<ActiveSilences> GetActiveAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        var rows = await store.GetActiveSilencesAsync(micros, ct);
        return new ActiveSilences(rows.Select(r => ToSilence(r, now)).ToList(), now);
    }

    public async Task<Silence> AddAsync(SilenceEntity silence, CancellationToken ct = default)
    {
        await store.AddSilenceAsync(silence, ct);
        return ToSilence(silence, time.GetUtcNow());
    }

    /// <summary>Ends a silence now (a pending one never starts); null when there is no such silence.</summary>
    public async Task<Silence?> ExpireAsync(long id, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var micros = Timestamps.ToMicros(now);
        var row = await store.ExpireSilenceAsync(id, micros, ct);
        if (row is null)
        {
            return null;
        }
        return ToSilence(row, now);
    }

    private static Silence ToSilence(SilenceEntity e, DateTimeOffset now) => new(
        e.Id, e.Rule, e.Run,
        e.Labels is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(e.Labels),
        Timestamps.FromMicros(e.StartsAt), Timestamps.FromMicros(e.EndsAt), e.Reason, e.CreatedBy,
        Timestamps.FromMicros(e.CreatedAt), now);
}
