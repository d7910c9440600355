using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Dashboard.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dashboard.Security;

/// <summary>
/// Browser sessions kept on the server (table sessions): the cookie carries only a random session id, so
/// signing out or revoking the key deletes the session and a saved copy of the cookie opens nothing.
/// Sessions survive a restart. Reads are served from memory after the first; writes go through to SQLite.
/// </summary>
public sealed class SessionTicketStore(ISessionStore sessions, AccessRevocations revocations, TimeProvider time) : ITicketStore
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
        var now = Timestamps.ToMicros(time.GetUtcNow());
        sessions.AddSession(id, ticket.Principal.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? "",
            TicketSerializer.Default.Serialize(ticket), Expires(ticket), now);
        _cache[id] = ticket;
        return Task.FromResult(id);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // A renewal racing a sign-out must not bring the session back: only an existing row is updated.
        if (sessions.RenewSession(key, TicketSerializer.Default.Serialize(ticket), Expires(ticket)))
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
        if (sessions.GetSession(key, Timestamps.ToMicros(time.GetUtcNow())) is not { } bytes || TicketSerializer.Default.Deserialize(bytes) is not { } ticket)
        {
            return Task.FromResult<AuthenticationTicket?>(null);
        }
        _cache[key] = ticket;
        return Task.FromResult<AuthenticationTicket?>(ticket);
    }

    public Task RemoveAsync(string key)
    {
        End(key, sessions.DeleteSession(key));
        return Task.CompletedTask;
    }

    /// <summary>Drops a session from this instance's memory: another instance ended it in the database.</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>Drops every remembered session (after missing other instances' messages); the next use reads the database.</summary>
    public void ForgetAll() => _cache.Clear();

    /// <summary>Ends every session opened with key <paramref name="keyId"/> (called when the key is revoked).</summary>
    public void RemoveByKey(string keyId) => End(null, sessions.DeleteSessionsOfKey(keyId));

    private void End(string? id, IReadOnlyList<string> deleted)
    {
        var ended = deleted.ToList();
        if (id is not null && !ended.Contains(id))
        {
            ended.Add(id);
        }
        foreach (var session in ended)
        {
            _cache.TryRemove(session, out _);
            revocations.OnSessionEnded(session);
        }
    }

    private long Expires(AuthenticationTicket ticket) =>
        Timestamps.ToMicros(ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(12));
}
