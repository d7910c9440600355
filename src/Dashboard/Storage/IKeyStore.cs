namespace Dashboard.Storage;

/// <summary>One stored API key or browser token row; the secret itself is never stored, only its SHA-256.</summary>
public sealed record StoredKey(long Id, string Name, string Role, string Kind, byte[] Hash, string Prefix, long CreatedAt, long? RevokedAt);

/// <summary>The api_keys table (times are Unix microseconds). Security/ApiKeyStore keeps the in-memory set and the rules.</summary>
public interface IKeyStore
{
    /// <summary>Every stored key, oldest first.</summary>
    IReadOnlyList<StoredKey> GetKeys(CancellationToken ct = default);

    /// <summary>Stores a new key and returns its row id.</summary>
    long AddKey(string name, string role, string kind, byte[] hash, string prefix, long createdAt, CancellationToken ct = default);

    /// <summary>Marks the key revoked at <paramref name="at"/>; a key already revoked keeps its first revocation time.</summary>
    void RevokeKey(long id, long at, CancellationToken ct = default);
}

/// <summary>The sessions table: server-side cookie tickets, so a sign-out or key revocation ends a session on every instance.</summary>
public interface ISessionStore
{
    /// <summary>Deletes sessions that expired before <paramref name="now"/>, then stores the new one.</summary>
    void AddSession(string id, string keyId, byte[] ticket, long expiresAt, long now, CancellationToken ct = default);

    /// <summary>Replaces an existing session's ticket; false (and nothing stored) when the session is gone.</summary>
    bool RenewSession(string id, byte[] ticket, long expiresAt, CancellationToken ct = default);

    /// <summary>The ticket of a session that has not expired at <paramref name="now"/>, or null.</summary>
    byte[]? GetSession(string id, long now, CancellationToken ct = default);

    /// <summary>Deletes the session; returns the ids deleted (none or it).</summary>
    IReadOnlyList<string> DeleteSession(string id, CancellationToken ct = default);

    /// <summary>Deletes every session signed in with the key; returns their ids.</summary>
    IReadOnlyList<string> DeleteSessionsOfKey(string keyId, CancellationToken ct = default);
}
