using System.Collections.Concurrent;
using System.Security.Claims;
using Dashboard.Security;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Live;

/// <summary>
/// Which key and browser session opened each live hub connection, so that revoking the key or signing
/// out closes the connections at once: authentication happens only when a connection opens, and an
/// open WebSocket would otherwise keep receiving pushes (and subscribing) for as long as it lasts.
/// </summary>
public sealed class HubConnections
{
    private sealed record Entry(HubCallerContext Context, string? KeyId, string? SessionId)
    {
        public volatile bool Ended;
    }

    private readonly ConcurrentDictionary<string, Entry> _open = new(StringComparer.Ordinal);
    private readonly ILogger<HubConnections> _logger;

    public HubConnections(AccessRevocations revocations, ILogger<HubConnections> logger)
    {
        _logger = logger;
        revocations.KeyRevoked += keyId => End(e => e.KeyId == keyId, "key revoked");
        revocations.SessionEnded += sessionId => End(e => e.SessionId == sessionId, "session ended");
    }

    public int Count => _open.Count;

    public void Opened(HubCallerContext context) => _open[context.ConnectionId] = new Entry(context,
        context.User?.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim),
        context.User?.FindFirstValue(SessionTicketStore.SessionIdClaim));

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>False once the connection's credentials were revoked: a call racing the close must not subscribe.</summary>
    public bool IsValid(string connectionId) => !_open.TryGetValue(connectionId, out var e) || !e.Ended;

    private void End(Func<Entry, bool> match, string reason)
    {
        foreach (var entry in _open.Values.Where(match))
        {
            entry.Ended = true;
            _logger.LogInformation("Closing hub connection {Connection}: {Reason}", entry.Context.ConnectionId, reason);
            entry.Context.Abort();
        }
    }
}
