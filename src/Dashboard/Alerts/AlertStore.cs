using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>An alert that changed, and whether webhooks hear of it (they do on fire and on resolve).</summary>
public sealed record AlertChange(AlertChangedMessage Alert, bool Notify);

/// <summary>The alert history: the evaluator's state transitions, external alerts and the list the API and pages read.</summary>
public sealed class AlertStore(IDbContextFactory<DashboardDbContext> contexts, IOptions<AlertsOptions> options)
{
    public const string ExternalPrefix = "external";

    /// <summary>
    /// Moves each (rule, run) like Prometheus: pending while the for-duration is not met, then firing; a firing alert
    /// whose condition cleared keeps firing for its rule's keep_firing_for, then resolves. A firing alert stays one row
    /// however often it is evaluated. A silenced alert is stored and shown as usual but notifies nobody: its fire is
    /// held back (suppressed) and sent if it still fires when the silence ends; its resolve is sent only if its fire was.
    /// </summary>
    public async Task<List<AlertChange>> ApplyAsync(IReadOnlyList<AlertCondition> conditions, long now,
        Func<string, int> keepFiringForSeconds, ActiveSilences silences, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var active = await db.Set<AlertEntity>()
            .Where(a => (a.State == AlertState.Pending || a.State == AlertState.Firing) && !a.Rule.StartsWith(ExternalPrefix))
            .ToListAsync(ct);
        var byKey = new Dictionary<(string, string?), AlertEntity>();
        foreach (var a in active)
        {
            byKey[(a.Rule, a.Run)] = a;
        }
        var changed = new List<(AlertEntity Alert, bool Notify, string? SentState)>();
        var inserted = new HashSet<string?>();
        var seen = new HashSet<(string, string?)>();
        foreach (var c in conditions)
        {
            if (!seen.Add((c.Rule, c.Run)))
            {
                continue;
            }
            if (byKey.Remove((c.Rule, c.Run), out var a))
            {
                var severityChanged = a.Severity != c.Severity;
                Update(a, c, now);
                a.LastHeldAt = now;
                if (a.State == AlertState.Pending && now - a.StartedAt >= c.ForSeconds * 1_000_000L)
                {
                    a.State = AlertState.Firing;
                    changed.Add((a, Fire(a, silences), null));
                }
                else if (SilenceEnded(a, silences))
                {
                    changed.Add((a, true, null));
                }
                else if (severityChanged)
                {
                    changed.Add((a, false, null));
                }
            }
            else
            {
                var alert = new AlertEntity
                {
                    Rule = c.Rule, Run = c.Run, Severity = c.Severity, Message = c.Message,
                    State = c.ForSeconds == 0 ? AlertState.Firing : AlertState.Pending,
                    StartedAt = now, UpdatedAt = now, LastHeldAt = now,
                };
                Update(alert, c, now);
                db.Add(alert);
                inserted.Add(c.Run);
                changed.Add((alert, alert.State == AlertState.Firing && Fire(alert, silences), null));
            }
        }
        foreach (var a in byKey.Values)
        {
            if (a.State == AlertState.Pending)
            {
                // Prometheus forgets a pending alert whose condition cleared; feeds are told to drop it.
                db.Remove(a);
                changed.Add((a, false, AlertState.Inactive));
            }
            else if (now - (a.LastHeldAt ?? a.UpdatedAt) < keepFiringForSeconds(a.Rule) * 1_000_000L)
            {
                // keep_firing_for: a condition that clears for a moment does not resolve (and re-fire) the alert.
                if (SilenceEnded(a, silences))
                {
                    changed.Add((a, true, null));
                }
            }
            else
            {
                a.State = AlertState.Resolved;
                a.ResolvedAt = now;
                a.UpdatedAt = now;
                // Receivers hear of a resolve only when they heard of the fire, and not while a silence holds.
                var notify = !a.Suppressed && silences.For(a.Rule, a.Run, a.Severity) is null;
                a.Suppressed = false;
                changed.Add((a, notify, null));
            }
        }
        await db.SaveChangesAsync(ct);
        if (inserted.Count > 0)
        {
            await CapAsync(db, inserted, ct);
        }
        return changed.Select(x => new AlertChange(ToMessage(x.Alert, silences) with { State = x.SentState ?? x.Alert.State }, x.Notify)).ToList();
    }

    /// <summary>Whether the fire of a just-firing alert is sent; a silenced one is held back and remembered.</summary>
    private static bool Fire(AlertEntity a, ActiveSilences silences)
    {
        a.Suppressed = silences.For(a.Rule, a.Run, a.Severity) is not null;
        return !a.Suppressed;
    }

    /// <summary>A firing alert whose fire a silence held back, now that no silence matches: its fire is sent now.</summary>
    private static bool SilenceEnded(AlertEntity a, ActiveSilences silences)
    {
        if (a.State != AlertState.Firing || !a.Suppressed || silences.For(a.Rule, a.Run, a.Severity) is not null)
        {
            return false;
        }
        a.Suppressed = false;
        return true;
    }

    /// <summary>Records who took the alert; null when there is no such alert.</summary>
    public async Task<AlertChangedMessage?> AcknowledgeAsync(long id, string? by, string? comment, long now, ActiveSilences silences, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Set<AlertEntity>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return null;
        }
        alert.AcknowledgedAt = now;
        alert.AcknowledgedBy = by;
        alert.AckComment = comment;
        await db.SaveChangesAsync(ct);
        return ToMessage(alert, silences);
    }

    public async Task<AlertChangedMessage?> UnacknowledgeAsync(long id, ActiveSilences silences, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Set<AlertEntity>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return null;
        }
        alert.AcknowledgedAt = null;
        alert.AcknowledgedBy = null;
        alert.AckComment = null;
        await db.SaveChangesAsync(ct);
        return ToMessage(alert, silences);
    }

    public async Task<AlertChangedMessage> AddExternalAsync(AlertEntity alert, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(alert);
        await db.SaveChangesAsync(ct);
        await CapAsync(db, [alert.Run], ct);
        return ToMessage(alert);
    }

    /// <summary>Resolves an external alert; null when there is no such alert, or it is not external.</summary>
    public async Task<AlertChangedMessage?> ResolveExternalAsync(long id, long now, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Set<AlertEntity>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null || !alert.Rule.StartsWith(ExternalPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        if (alert.State != AlertState.Resolved)
        {
            alert.State = AlertState.Resolved;
            alert.ResolvedAt = now;
            alert.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return ToMessage(alert);
    }

    /// <summary>Newest first; each marked silenced when an active silence matches it.</summary>
    public async Task<List<AlertChangedMessage>> GetAsync(string? run, string? severity, string? state, int limit, CancellationToken ct = default,
        string? rule = null, ActiveSilences? silences = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Set<AlertEntity>().AsNoTracking();
        if (rule is not null)
        {
            q = q.Where(a => a.Rule == rule);
        }
        if (run is not null)
        {
            q = q.Where(a => a.Run == run);
        }
        if (severity is not null)
        {
            q = q.Where(a => a.Severity == severity);
        }
        if (state is not null)
        {
            q = q.Where(a => a.State == state);
        }
        var rows = await q.OrderByDescending(a => a.Id).Take(limit).ToListAsync(ct);
        return rows.Select(a => ToMessage(a, silences ?? ActiveSilences.None)).ToList();
    }

    public static AlertChangedMessage ToMessage(AlertEntity a) => ToMessage(a, ActiveSilences.None);

    /// <summary>A resolved alert is never shown silenced: there is nothing left to mute.</summary>
    public static AlertChangedMessage ToMessage(AlertEntity a, ActiveSilences silences)
    {
        var silence = a.State == AlertState.Resolved ? null : silences.For(a.Rule, a.Run, a.Severity);
        return new(
            a.Id, a.Rule, a.Run, a.Severity, a.State, a.Message, a.Value, a.Threshold,
            Timestamps.FromMicros(a.StartedAt), a.ResolvedAt is { } r ? Timestamps.FromMicros(r) : null,
            silence is not null, silence?.Id,
            a.AcknowledgedAt is { } at ? Timestamps.FromMicros(at) : null, a.AcknowledgedBy, a.AckComment);
    }

    private static void Update(AlertEntity a, AlertCondition c, long now)
    {
        // An unchanged firing alert is not rewritten at every evaluation.
        if (a.Severity == c.Severity && a.Message == c.Message && a.Value == c.Value && a.Threshold == c.Threshold)
        {
            return;
        }
        a.Severity = c.Severity;
        a.Message = c.Message;
        a.Value = c.Value;
        a.Threshold = c.Threshold;
        a.UpdatedAt = now;
    }

    /// <summary>Keeps the newest MaxAlertsPerRun alerts of each run; active ones are never dropped.</summary>
    private async Task CapAsync(DashboardDbContext db, HashSet<string?> runs, CancellationToken ct)
    {
        var max = options.Value.MaxAlertsPerRun;
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
            await q.Where(a => a.Id < keepFrom && a.State == AlertState.Resolved).ExecuteDeleteAsync(ct);
        }
    }
}
