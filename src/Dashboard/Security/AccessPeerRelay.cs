using Dashboard.Cluster;

namespace Dashboard.Security;

/// <summary>
/// Keys and sessions across instances. Both live in the database; what each instance keeps in memory (the key
/// hashes, recently used sessions) is told to reload over the cluster bus when another instance creates or revokes
/// a key or ends a session, and the hub connections opened here with those credentials are closed as if the
/// revocation had happened here. After the bus reconnects, everything is reloaded: messages may have been missed.
/// </summary>
public sealed class AccessPeerRelay : BackgroundService
{
    /// <summary>A lost message (PostgreSQL unreachable while sending) is made good at the latest after this.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromMinutes(1);

    private const string KeysChanged = "keys-changed";
    private const string KeyRevoked = "key-revoked";
    private const string SessionEnded = "session-ended";

    // Set while a peer's revocation is replayed here, so it is not sent back out.
    [ThreadStatic]
    private static bool t_fromPeer;

    private readonly ClusterBus _bus;
    private readonly ApiKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessPeerRelay> _logger;

    public AccessPeerRelay(ClusterBus bus, ApiKeyStore keys, SessionTicketStore sessions, AccessRevocations revocations,
        TimeProvider time, ILogger<AccessPeerRelay> logger)
    {
        _bus = bus;
        _keys = keys;
        _time = time;
        _logger = logger;
        keys.Created += _ => Send(KeysChanged, "");
        revocations.KeyRevoked += id => Send(KeyRevoked, id);
        revocations.SessionEnded += id => Send(SessionEnded, id);
        bus.On(KeysChanged, _ => keys.Reload());
        bus.On(KeyRevoked, id =>
        {
            keys.Reload();
            FromPeer(() => revocations.OnKeyRevoked(id));
        });
        bus.On(SessionEnded, id =>
        {
            sessions.Forget(id);
            FromPeer(() => revocations.OnSessionEnded(id));
        });
        bus.Connected += () =>
        {
            keys.Reload();
            sessions.ForgetAll();
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReloadInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    _keys.Reload();
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(ex, "Reloading the keys failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static void FromPeer(Action replay)
    {
        t_fromPeer = true;
        try
        {
            replay();
        }
        finally
        {
            t_fromPeer = false;
        }
    }

    private void Send(string kind, string body)
    {
        if (t_fromPeer)
        {
            return;
        }
        _ = SendAsync(kind, body);
    }

    private async Task SendAsync(string kind, string body)
    {
        try
        {
            await _bus.PublishAsync(kind, body);
        }
        catch (Exception ex)
        {
            // The change is stored; the others reload keys within ReloadInterval (a session ended here stays in
            // their memory until it expires there or their listener reconnects: said in the README).
            _logger.LogWarning(ex, "Telling the other instances about {Kind} {Id} failed", kind, body);
        }
    }
}
