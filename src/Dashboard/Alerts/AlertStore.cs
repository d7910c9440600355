using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>An alert that changed, and whether webhooks hear of it (they do on fire and on resolve).</summary>
public sealed record AlertChange(AlertChangedMessage Alert, bool Notify);

/// <summary>The alert history: the evaluator's state transitions, external alerts and the list the API and pages read.</summary>
public sealed class AlertStore(IAlertStore store, IOptions<AlertsOptions> options)
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
        var changed = await store.EditAlertsAsync([AlertState.Pending, AlertState.Firing], ExternalPrefix, options.Value.MaxAlertsPerRun,
            (active, edits) => Apply(active, edits, conditions, now, keepFiringForSeconds, silences), ct);
        // After the save, so an inserted alert carries its id.
        return changed.Select(x => new AlertChange(ToMessage(x.Alert, silences) with { State = x.SentState ?? x.Alert.State }, x.Notify)).ToList();
    }

    private static List<(AlertEntity Alert, bool Notify, string? SentState)> Apply(IReadOnlyList<AlertEntity> active, IAlertEdits db, IReadOnlyList<AlertCondition> conditions, long now,
        Func<string, int> keepFiringForSeconds, ActiveSilences silences)
    {
        var byKey = new Dictionary<(string, string?), AlertEntity>();
        foreach (var a in active)
        {
            byKey[(a.Rule, a.Run)] = a;
        }
        var changed = new List<(AlertEntity Alert, bool Notify, string? SentState)>();
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
        return changed;
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
        var alert = await store.EditAlertAsync(id, a =>
        {
            a.AcknowledgedAt = now;
            a.AcknowledgedBy = by;
            a.AckComment = comment;
            return true;
        }, ct);
        return alert is null ? null : ToMessage(alert, silences);
    }

    public async Task<AlertChangedMessage?> UnacknowledgeAsync(long id, ActiveSilences silences, CancellationToken ct = default)
    {
        var alert = await store.EditAlertAsync(id, a =>
        {
            a.AcknowledgedAt = null;
            a.AcknowledgedBy = null;
            a.AckComment = null;
            return true;
        }, ct);
        return alert is null ? null : ToMessage(alert, silences);
    }

    public async Task<AlertChangedMessage> AddExternalAsync(AlertEntity alert, CancellationToken ct = default)
    {
        await store.AddAlertAsync(alert, options.Value.MaxAlertsPerRun, ct);
        return ToMessage(alert);
    }

    /// <summary>Resolves an external alert; null when there is no such alert, or it is not external.</summary>
    public async Task<AlertChangedMessage?> ResolveExternalAsync(long id, long now, CancellationToken ct = default)
    {
        var alert = await store.EditAlertAsync(id, a =>
        {
            if (!a.Rule.StartsWith(ExternalPrefix, StringComparison.Ordinal) || a.State == AlertState.Resolved)
            {
                return false;
            }
            a.State = AlertState.Resolved;
            a.ResolvedAt = now;
            a.UpdatedAt = now;
            return true;
        }, ct);
        return alert is null || !alert.Rule.StartsWith(ExternalPrefix, StringComparison.Ordinal) ? null : ToMessage(alert);
    }

    /// <summary>Newest first; each marked silenced when an active silence matches it.</summary>
    public async Task<List<AlertChangedMessage>> GetAsync(string? run, string? severity, string? state, int limit, CancellationToken ct = default,
        string? rule = null, ActiveSilences? silences = null)
    {
        var rows = await store.GetAlertsAsync(new AlertFilter(rule, run, severity, state), limit, ct);
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
}
