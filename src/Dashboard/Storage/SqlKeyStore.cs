namespace Dashboard.Storage;

/// <summary>
/// API keys and sessions, written once for both providers (the statements are the same SQL on SQLite and PostgreSQL):
/// <see cref="Sqlite.SqliteKeyStore"/> and <see cref="Postgres.PostgresKeyStore"/> only choose the connections. On
/// PostgreSQL one store serves every instance, so a key created or revoked, or a session ended, on one instance holds on all.
/// </summary>
public abstract class SqlKeyStore(SqlConnections db) : IKeyStore, ISessionStore
{
    public IReadOnlyList<StoredKey> GetKeys(CancellationToken ct = default)
    {
        using var c = db.Open();
        using var select = db.Command(c, "SELECT id, name, role, kind, hash, prefix, created_at, revoked_at FROM api_keys ORDER BY id");
        using var r = select.ExecuteReader();
        var list = new List<StoredKey>();
        while (r.Read())
        {
            list.Add(new StoredKey(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r[4], r.GetString(5),
                r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7)));
        }
        return list;
    }

    public long AddKey(string name, string role, string kind, byte[] hash, string prefix, long createdAt, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var insert = db.Command(c, """
            INSERT INTO api_keys (name, role, kind, hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, name, role, kind, hash, prefix, createdAt);
        return (long)insert.ExecuteScalar()!;
    }

    public void RevokeKey(long id, long at, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var update = db.Command(c, "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", at, id);
        update.ExecuteNonQuery();
    }

    public void AddSession(string id, string keyId, byte[] ticket, long expiresAt, long now, CancellationToken ct = default)
    {
        using var c = db.Open();
        using (var purge = db.Command(c, "DELETE FROM sessions WHERE expires_at < $1", now))
        {
            purge.ExecuteNonQuery();
        }
        using var insert = db.Command(c, "INSERT INTO sessions (id, key_id, ticket, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
            id, keyId, ticket, expiresAt, now);
        insert.ExecuteNonQuery();
    }

    public bool RenewSession(string id, byte[] ticket, long expiresAt, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var update = db.Command(c, "UPDATE sessions SET ticket = $1, expires_at = $2 WHERE id = $3", ticket, expiresAt, id);
        return update.ExecuteNonQuery() > 0;
    }

    public byte[]? GetSession(string id, long now, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var select = db.Command(c, "SELECT ticket FROM sessions WHERE id = $1 AND expires_at >= $2", id, now);
        return select.ExecuteScalar() as byte[];
    }

    public IReadOnlyList<string> DeleteSession(string id, CancellationToken ct = default) =>
        Delete("DELETE FROM sessions WHERE id = $1 RETURNING id", id);

    public IReadOnlyList<string> DeleteSessionsOfKey(string keyId, CancellationToken ct = default) =>
        Delete("DELETE FROM sessions WHERE key_id = $1 RETURNING id", keyId);

    private List<string> Delete(string sql, string value)
    {
        using var c = db.Open();
        using var delete = db.Command(c, sql, value);
        using var r = delete.ExecuteReader();
        var ended = new List<string>();
        while (r.Read())
        {
            ended.Add(r.GetString(0));
        }
        return ended;
    }
}
