namespace Dashboard.Storage;

/// <summary>
/// One notification group as stored (times are Unix microseconds): when it formed, when it was last sent (null: not
/// yet), whether it changed since, and its alerts as the sender's JSON (Storage does not know the alert type).
/// </summary>
public sealed record NotificationGroupRow(string Key, long FirstAt, long? LastSentAt, bool Dirty, string Alerts);

/// <summary>
/// The notification_groups table: the webhook sender's grouping state, Alertmanager's notification log, so a restart
/// (or a new leader) neither re-sends a group at once nor forgets to repeat it, and keeps its wait and repeat timers.
/// </summary>
public interface INotificationGroupStore
{
    List<NotificationGroupRow> GetAll(CancellationToken ct = default);

    /// <summary>Inserts or replaces the group's row.</summary>
    void Save(NotificationGroupRow row, CancellationToken ct = default);

    void Delete(string key, CancellationToken ct = default);
}
