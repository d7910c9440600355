namespace Dashboard.Storage;

/// <summary>
/// The notification_groups table (schema step 15), written once for both providers (the statements are the same SQL on
/// SQLite and PostgreSQL): <see cref="Sqlite.SqliteNotificationGroupStore"/> and
/// <see cref="Postgres.PostgresNotificationGroupStore"/> only choose the connections. dirty is 0 or 1 on both.
/// </summary>
public abstract class SqlNotificationGroupStore(SqlConnections db) : INotificationGroupStore
{
    public List<NotificationGroupRow> GetAll(CancellationToken ct = default)
    {
        using var c = db.Open();
        using var select = db.Command(c, "SELECT group_key, first_at, last_sent_at, dirty, alerts FROM notification_groups");
        using var r = select.ExecuteReader();
        var rows = new List<NotificationGroupRow>();
        while (r.Read())
        {
            rows.Add(new NotificationGroupRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt64(3) != 0, r.GetString(4)));
        }
        return rows;
    }

    public void Save(NotificationGroupRow row, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var upsert = db.Command(c, """
            INSERT INTO notification_groups (group_key, first_at, last_sent_at, dirty, alerts) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (group_key) DO UPDATE SET first_at = excluded.first_at, last_sent_at = excluded.last_sent_at,
                dirty = excluded.dirty, alerts = excluded.alerts
            """, row.Key, row.FirstAt, row.LastSentAt, row.Dirty ? 1L : 0L, row.Alerts);
        upsert.ExecuteNonQuery();
    }

    public void Delete(string key, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var delete = db.Command(c, "DELETE FROM notification_groups WHERE group_key = $1", key);
        delete.ExecuteNonQuery();
    }
}
