using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Cluster;

/// <summary>
/// PostgreSQL LISTEN/NOTIFY between the instances: each message is a kind, the sender's instance id and a
/// body under PostgreSQL's 8000-byte payload limit. A NOTIFY reaches only sessions listening at that moment,
/// so after every (re)connection <see cref="Connected"/> tells the caches to reload whatever they hold.
/// Handlers run on the listener's thread: they must be quick and must not throw.
/// </summary>
public sealed class ClusterBus(ClusterConnection cluster, IOptions<ClusterOptions> options, ILogger<ClusterBus> logger) : BackgroundService
{
    public const string Channel = "dashboard_cluster";

    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    private const char Separator = '\u001f';

    // Idle sessions are checked this often, so a dead network is noticed instead of waiting forever.
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, List<Action<string>>> _handlers = new(StringComparer.Ordinal);
    private volatile bool _listening;

    public string InstanceId => cluster.InstanceId;

    public bool IsListening => _listening;

    /// <summary>Raised after each LISTEN is in place (the first and every reconnection).</summary>
    public event Action? Connected;

    /// <summary>Registers a handler for messages of <paramref name="kind"/> sent by other instances (before start).</summary>
    public void On(string kind, Action<string> handler)
    {
        lock (_handlers)
        {
            if (!_handlers.TryGetValue(kind, out var list))
            {
                _handlers[kind] = list = [];
            }
            list.Add(handler);
        }
    }

    /// <summary>The bytes left for a body after the header of <paramref name="kind"/>.</summary>
    public int BodyBudget(string kind) => MaxPayloadBytes - Encoding.UTF8.GetByteCount(kind) - Encoding.UTF8.GetByteCount(InstanceId) - 2;

    /// <summary>Sends to every other listening instance; throws when PostgreSQL cannot be reached.</summary>
    public async Task PublishAsync(string kind, string body, CancellationToken ct = default)
    {
        var payload = string.Concat(kind, Separator.ToString(), InstanceId, Separator.ToString(), body);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            throw new ArgumentException($"A cluster message of kind {kind} is over {MaxPayloadBytes} bytes.", nameof(body));
        }
        await using var command = cluster.Pooled.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.AddWithValue(Channel);
        command.Parameters.AddWithValue(payload);
        await command.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await cluster.OpenSessionAsync("listener", stoppingToken);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                _listening = true;
                if (failures > 0)
                {
                    logger.LogInformation("Cluster listener reconnected; caches reload what they may have missed");
                }
                failures = 0;
                Connected?.Invoke();
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _listening = false;
                if (failures++ == 0)
                {
                    logger.LogWarning(ex, "Cluster listener lost its PostgreSQL connection; other instances' live updates and invalidations wait until it is back");
                }
            }
            try
            {
                await Task.Delay(options.Value.ReconnectMilliseconds, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _listening = false;
    }

    private void Dispatch(string payload)
    {
        var first = payload.IndexOf(Separator);
        var second = first < 0 ? -1 : payload.IndexOf(Separator, first + 1);
        if (second < 0)
        {
            logger.LogWarning("Ignoring a malformed cluster message");
            return;
        }
        var kind = payload[..first];
        if (payload.AsSpan(first + 1, second - first - 1).SequenceEqual(InstanceId))
        {
            return;
        }
        List<Action<string>>? handlers;
        lock (_handlers)
        {
            handlers = _handlers.TryGetValue(kind, out var list) ? [.. list] : null;
        }
        var body = payload[(second + 1)..];
        foreach (var handler in handlers ?? [])
        {
            try
            {
                handler(body);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Handling a cluster message of kind {Kind} failed", kind);
            }
        }
    }
}
