using Npgsql;
using static Dashboard.Storage.Postgres.PostgresCommands;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of <see cref="Sqlite.SqliteWebhookStatusStore"/> (schema step 6; succeeded is 0 or 1 as in SQLite).</summary>
public sealed class PostgresWebhookStatusStore(NpgsqlDataSource dataSource) : IWebhookStatusStore
{
    public List<WebhookStatusRow> GetAll()
    {
        using var c = dataSource.OpenConnection();
        using var select = Command(c, "SELECT url, succeeded, at, last_failure, last_failure_at, delivered, failed FROM webhook_status");
        using var r = select.ExecuteReader();
        var rows = new List<WebhookStatusRow>();
        while (r.Read())
        {
            rows.Add(new WebhookStatusRow(r.GetString(0), r.GetInt64(1) != 0, r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)));
        }
        return rows;
    }

    public void Save(WebhookStatusRow row)
    {
        using var c = dataSource.OpenConnection();
        using var upsert = new NpgsqlCommand("""
            INSERT INTO webhook_status (url, succeeded, at, last_failure, last_failure_at, delivered, failed)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (url) DO UPDATE SET succeeded = excluded.succeeded, at = excluded.at,
                last_failure = excluded.last_failure,
                last_failure_at = excluded.last_failure_at, delivered = excluded.delivered, failed = excluded.failed
            """, c);
        upsert.Parameters.Add(new NpgsqlParameter { Value = row.Url });
        upsert.Parameters.Add(new NpgsqlParameter { Value = row.Succeeded ? 1L : 0L });
        upsert.Parameters.Add(new NpgsqlParameter { Value = row.At });
        upsert.Parameters.Add(NullableText(row.LastFailure));
        upsert.Parameters.Add(NullableLong(row.LastFailureAt));
        upsert.Parameters.Add(new NpgsqlParameter { Value = row.Delivered });
        upsert.Parameters.Add(new NpgsqlParameter { Value = row.Failed });
        upsert.ExecuteNonQuery();
    }
}
