using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The webhook_status table in SQLite (schema step 6).</summary>
public sealed class SqliteWebhookStatusStore(SqliteConnectionFactory connections) : IWebhookStatusStore
{
    public List<WebhookStatusRow> GetAll()
    {
        var rows = new List<WebhookStatusRow>();
        using var connection = connections.Open();
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT url, succeeded, at, last_failure, last_failure_at, delivered, failed FROM webhook_status
            """;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new WebhookStatusRow(reader.GetString(0), reader.GetInt64(1) != 0, reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), NullableLong(reader, 4), reader.GetInt64(5), reader.GetInt64(6)));
        }
        return rows;
    }

    public void Save(WebhookStatusRow row)
    {
        using var connection = connections.Open();
        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO webhook_status (url, succeeded, at, last_failure, last_failure_at, delivered, failed)
            VALUES ($url, $ok, $at, $lf, $lfa, $d, $f)
            ON CONFLICT (url) DO UPDATE SET succeeded = excluded.succeeded, at = excluded.at,
                last_failure = excluded.last_failure,
                last_failure_at = excluded.last_failure_at, delivered = excluded.delivered, failed = excluded.failed
            """;
        upsert.Parameters.AddWithValue("$url", row.Url);
        upsert.Parameters.AddWithValue("$ok", row.Succeeded ? 1 : 0);
        upsert.Parameters.AddWithValue("$at", row.At);
        upsert.Parameters.AddWithValue("$lf", (object?)row.LastFailure ?? DBNull.Value);
        upsert.Parameters.AddWithValue("$lfa", (object?)row.LastFailureAt ?? DBNull.Value);
        upsert.Parameters.AddWithValue("$d", row.Delivered);
        upsert.Parameters.AddWithValue("$f", row.Failed);
        upsert.ExecuteNonQuery();
    }

    private static long? NullableLong(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
}
