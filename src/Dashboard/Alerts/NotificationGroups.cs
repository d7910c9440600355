using System.Text.Json;
using Dashboard.Live;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>One notification: every alert of one group as it stands, firing ones first, the lead alert first of all.</summary>
public sealed record AlertNotification(string Group, IReadOnlyList<AlertChangedMessage> Alerts)
{
    public AlertChangedMessage Lead => Alerts[0];

    public static AlertNotification Single(AlertChangedMessage alert) => new(AlertGroups.KeyOf(alert), [alert]);
}

/// <summary>
/// Alertmanager's grouping, kept in memory by the one sender: a new group waits group_wait for the rest of its alerts
/// before its first notification; later changes go out at most every group_interval; a group still firing, unchanged
/// and not wholly acknowledged, goes out again after repeat_interval. Resolved alerts leave their group once sent.
/// State driven by the caller's clock, so tests move time by hand. With a store every change of a group is written
/// through (Alertmanager's notification log) and <see cref="Load"/> reads it back at start, so a restart keeps the
/// timers: a group sent before it is not sent again at once, and a still-firing one is repeated when due.
/// A store failure is logged and the in-memory state goes on (notifications matter more than their log).
/// </summary>
public sealed class NotificationGroups(INotificationGroupStore? store = null, ILogger? logger = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public int Count => _groups.Count;

    /// <summary>Replaces the groups in memory with the stored ones (at start, or when this instance becomes the leader).</summary>
    public void Load()
    {
        if (store is null)
        {
            return;
        }
        List<NotificationGroupRow> rows;
        try
        {
            rows = store.GetAll();
        }
        catch (Exception ex)
        {
            logger?.LogError(ex, "Could not read the stored notification groups; groups start afresh");
            return;
        }
        _groups.Clear();
        foreach (var row in rows)
        {
            var group = new Group(Timestamps.FromMicros(row.FirstAt))
            {
                LastSentAt = row.LastSentAt is { } sent ? Timestamps.FromMicros(sent) : null,
                Dirty = row.Dirty,
            };
            foreach (var alert in JsonSerializer.Deserialize<List<AlertChangedMessage>>(row.Alerts, Json) ?? [])
            {
                group.Alerts[alert.Id] = alert;
            }
            _groups[row.Key] = group;
        }
    }

    /// <summary>A fire or resolve joins its group; any other change (an acknowledgement) only refreshes an alert already in one.</summary>
    public void Add(AlertChange change, DateTimeOffset now)
    {
        var key = AlertGroups.KeyOf(change.Alert);
        if (!change.Notify)
        {
            if (_groups.TryGetValue(key, out var existing) && existing.Alerts.ContainsKey(change.Alert.Id))
            {
                existing.Alerts[change.Alert.Id] = change.Alert;
                Save(key, existing);
            }
            return;
        }
        if (!_groups.TryGetValue(key, out var group))
        {
            _groups[key] = group = new Group(now);
        }
        group.Alerts[change.Alert.Id] = change.Alert;
        group.Dirty = true;
        Save(key, group);
    }

    /// <summary>When the next group falls due, or null when none will by itself.</summary>
    public DateTimeOffset? NextDue(NotificationSettings s)
    {
        DateTimeOffset? next = null;
        foreach (var g in _groups.Values)
        {
            if (g.DueAt(s) is { } due && (next is null || due < next))
            {
                next = due;
            }
        }
        return next;
    }

    /// <summary>The notifications due at <paramref name="now"/>; their groups are marked sent.</summary>
    public List<AlertNotification> TakeDue(DateTimeOffset now, NotificationSettings s)
    {
        var due = new List<AlertNotification>();
        foreach (var (key, g) in _groups.ToList())
        {
            if (g.DueAt(s) is not { } at || at > now)
            {
                continue;
            }
            var firing = g.Alerts.Values.Any(a => a.State == AlertState.Firing);
            if (g.LastSentAt is null && !firing)
            {
                // Fired and resolved inside group_wait: nobody heard of the fire, so the resolve says nothing.
                Remove(key);
                continue;
            }
            due.Add(new AlertNotification(key, g.Alerts.Values
                .OrderBy(a => a.State == AlertState.Firing ? 0 : 1).ThenBy(a => AlertGroups.Order(a.Rule)).ThenBy(a => a.Id).ToList()));
            g.LastSentAt = now;
            g.Dirty = false;
            foreach (var resolved in g.Alerts.Values.Where(a => a.State != AlertState.Firing).Select(a => a.Id).ToList())
            {
                g.Alerts.Remove(resolved);
            }
            if (g.Alerts.Count == 0)
            {
                Remove(key);
            }
            else
            {
                Save(key, g);
            }
        }
        return due;
    }

    private void Save(string key, Group g) => Write(s => s.Save(new NotificationGroupRow(key, Timestamps.ToMicros(g.FirstAt),
        g.LastSentAt is { } sent ? Timestamps.ToMicros(sent) : null, g.Dirty, JsonSerializer.Serialize(g.Alerts.Values.ToList(), Json))), key);

    private void Remove(string key)
    {
        _groups.Remove(key);
        Write(s => s.Delete(key), key);
    }

    private void Write(Action<INotificationGroupStore> write, string key)
    {
        if (store is null)
        {
            return;
        }
        try
        {
            write(store);
        }
        catch (Exception ex)
        {
            logger?.LogError(ex, "Could not store notification group {Group}; a restart may repeat or miss it", key);
        }
    }

    private sealed class Group(DateTimeOffset firstAt)
    {
        public DateTimeOffset FirstAt => firstAt;

        public Dictionary<long, AlertChangedMessage> Alerts { get; } = [];

        public DateTimeOffset? LastSentAt { get; set; }

        public bool Dirty { get; set; }

        public DateTimeOffset? DueAt(NotificationSettings s)
        {
            if (LastSentAt is not { } sent)
            {
                return firstAt + TimeSpan.FromSeconds(s.GroupWaitSeconds);
            }
            if (Dirty)
            {
                return sent + TimeSpan.FromSeconds(s.GroupIntervalSeconds);
            }
            // Someone acknowledged every firing alert: it is being handled, so it is not repeated.
            return Alerts.Values.Any(a => a.State == AlertState.Firing && a.AcknowledgedAt is null)
                ? sent + TimeSpan.FromSeconds(s.RepeatIntervalSeconds)
                : null;
        }
    }
}
