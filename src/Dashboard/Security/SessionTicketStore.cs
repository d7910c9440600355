using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dashboard.Security;

/// <summary>
/// Browser sessions kept on the server (table sessions): the cookie carries only a random session id, so
/// signing out or revoking the key deletes the session and a saved copy of the cookie opens nothing.
/// Sessions survive a restart. Reads are served from memory after the first; writes go through to SQLite.
/// </summary>
public sealed class SessionTicketStore(SqliteConnectionFactory connections, AccessRevocations revocations, TimeProvider time) : ITicketStore
{
    /// <summary>The claim that names the session on the principal of every cookie-authenticated request.</summary>
    public const string SessionIdClaim = "sid";

    private readonly ConcurrentDictionary<string, AuthenticationTicket> _cache = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(SessionIdClaim, id));
        }
        using var connection = connections.Open();
        using (var purge = connection.CreateCommand())
        {
            purge.CommandText = "DELETE FROM sessions WHERE expires_at < $now";
            purge.Parameters.AddWithValue("$now", Timestamps.ToMicros(time.GetUtcNow()));
            purge.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO sessions (id, key_id, ticket, expires_at, created_at) VALUES ($id, $key, $t, $e, $c)";
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$key", ticket.Principal.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? "");
        insert.Parameters.AddWithValue("$t", TicketSerializer.Default.Serialize(ticket));
        insert.Parameters.AddWithValue("$e", Expires(ticket));
        insert.Parameters.AddWithValue("$c", Timestamps.ToMicros(time.GetUtcNow()));
        insert.ExecuteNonQuery();
        _cache[id] = ticket;
        return Task.FromResult(id);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        using var connection = connections.Open();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE sessions SET ticket = $t, expires_at = $e WHERE id = $id";
        update.Parameters.AddWithValue("$id", key);
        update.Parameters.AddWithValue("$t", TicketSerializer.Default.Serialize(ticket));
        update.Parameters.AddWithValue("$e", Expires(ticket));
        // A renewal racing a sign-out must not bring the session back: only an existing row is updated.
        if (update.ExecuteNonQuery() > 0)
        {
            _cache[key] = ticket;
        }
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (_cache.TryGetValue(key, out var cached))
        {
            return Task.FromResult<AuthenticationTicket?>(cached);
        }
        using var connection = connections.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT ticket FROM sessions WHERE id = $id AND expires_at >= $now";
        select.Parameters.AddWithValue("$id", key);
        select.Parameters.AddWithValue("$now", Timestamps.ToMicros(time.GetUtcNow()));
        if (select.ExecuteScalar() is not byte[] bytes || TicketSerializer.Default.Deserialize(bytes) is not { } ticket)
        {
            return Task.FromResult<AuthenticationTicket?>(null);
        }
        _cache[key] = ticket;
        return Task.FromResult<AuthenticationTicket?>(ticket);
    }

    public Task RemoveAsync(string key)
    {
        Delete("id", key);
        return Task.CompletedTask;
    }

    /// <summary>Drops a session from this instance's memory: another instance ended it in the database.</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>Drops every remembered session (after missing other instances' messages); the next use reads the database.</summary>
    public void ForgetAll() => _cache.Clear();

    /// <summary>Ends every session opened with key <paramref name="keyId"/> (called when the key is revoked).</summary>
    public void RemoveByKey(string keyId) => Delete("key_id", keyId);

    private void Delete(string column, string value)
    {
        var ended = new List<string>();
        using (var connection = connections.Open())
        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = $"DELETE FROM sessions WHERE {column} = $v RETURNING id";
            delete.Parameters.AddWithValue("$v", value);
            using var reader = delete.ExecuteReader();
            while (reader.Read())
            {
                ended.Add(reader.GetString(0));
            }
        }
        if (column == "id" && !ended.Contains(value))
        {
            ended.Add(value);
        }
        foreach (var id in ended)
        {
            _cache.TryRemove(id, out _);
            revocations.OnSessionEnded(id);
        }
    }

    private long Expires(AuthenticationTicket ticket) =>
        Timestamps.ToMicros(ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(12));
}
