using static Dashboard.Storage.Sqlite.SqliteCommands;

namespace Dashboard.Storage.Sqlite;

/// <summary>API keys and sessions in SQLite (schema steps 3 and 9).</summary>
public sealed class SqliteKeyStore(SqliteConnectionFactory connections) : IKeyStore, ISessionStore
{
    public IReadOnlyList<StoredKey> GetKeys(CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var select = Command(c, "SELECT id, name, role, kind, hash, prefix, created_at, revoked_at FROM api_keys ORDER BY id");
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
        using var c = connections.Open();
        using var insert = Command(c, """
            INSERT INTO api_keys (name, role, kind, hash, prefix, created_at) VALUES ($n, $r, $k, $h, $p, $c) RETURNING id
            """, ("$n", name), ("$r", role), ("$k", kind), ("$h", hash), ("$p", prefix), ("$c", createdAt));
        return (long)insert.ExecuteScalar()!;
    }

    public void RevokeKey(long id, long at, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var update = Command(c, "UPDATE api_keys SET revoked_at = $t WHERE id = $id AND revoked_at IS NULL", ("$t", at), ("$id", id));
        update.ExecuteNonQuery();
    }

    public void AddSession(string id, string keyId, byte[] ticket, long expiresAt, long now, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using (var purge = Command(c, "DELETE FROM sessions WHERE expires_at < $now", ("$now", now)))
        {
            purge.ExecuteNonQuery();
        }
        using var insert = Command(c, "INSERT INTO sessions (id, key_id, ticket, expires_at, created_at) VALUES ($id, $key, $t, $e, $c)",
            ("$id", id), ("$key", keyId), ("$t", ticket), ("$e", expiresAt), ("$c", now));
        insert.ExecuteNonQuery();
    }

    public bool RenewSession(string id, byte[] ticket, long expiresAt, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var update = Command(c, "UPDATE sessions SET ticket = $t, expires_at = $e WHERE id = $id", ("$id", id), ("$t", ticket), ("$e", expiresAt));
        return update.ExecuteNonQuery() > 0;
    }

    public byte[]? GetSession(string id, long now, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var select = Command(c, "SELECT ticket FROM sessions WHERE id = $id AND expires_at >= $now", ("$id", id), ("$now", now));
        return select.ExecuteScalar() as byte[];
    }

    public IReadOnlyList<string> DeleteSession(string id, CancellationToken ct = default) =>
        Delete("DELETE FROM sessions WHERE id = $v RETURNING id", id);

    public IReadOnlyList<string> DeleteSessionsOfKey(string keyId, CancellationToken ct = default) =>
        Delete("DELETE FROM sessions WHERE key_id = $v RETURNING id", keyId);

    private List<string> Delete(string sql, string value)
    {
        using var c = connections.Open();
        using var delete = Command(c, sql, ("$v", value));
        using var r = delete.ExecuteReader();
        var ended = new List<string>();
        while (r.Read())
        {
            ended.Add(r.GetString(0));
        }
        return ended;
    }
}
