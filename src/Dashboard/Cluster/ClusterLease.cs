using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Cluster;

/// <summary>
/// The alert lease: a PostgreSQL session advisory lock held on a session of its own. PostgreSQL releases it
/// when that session ends, so when the holder dies (kill -9, crash, lost host) its socket closes and another
/// instance takes the lease at its next try, within <see cref="ClusterOptions.LeaseCheckSeconds"/>; nobody has
/// to decide that the holder is dead. The holder checks its session at the same pace and steps down as soon
/// as a check fails, before anyone else can have the lock for long.
/// </summary>
public sealed class ClusterLease(ClusterConnection cluster, IOptions<ClusterOptions> options, TimeProvider time, ILogger<ClusterLease> logger)
    : BackgroundService, ILeadership
{
    /// <summary>The lock's key, "dashalrt" as a 64-bit number, so no other application's key is likely to clash.</summary>
    public const long LockKey = 0x64617368616C7274;

    private volatile bool _isLeader;
    private NpgsqlConnection? _session;

    public bool IsLeader => _isLeader;

    public event Action? Acquired;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.LeaseCheckSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await CheckAsync(stoppingToken);
            try
            {
                await Task.Delay(period, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await ReleaseAsync();
    }

    internal async Task CheckAsync(CancellationToken ct)
    {
        try
        {
            _session ??= await cluster.OpenSessionAsync("lease", ct);
            if (_isLeader)
            {
                await using var ping = new NpgsqlCommand("SELECT 1", _session);
                await ping.ExecuteScalarAsync(ct);
                return;
            }
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", _session);
            tryLock.Parameters.AddWithValue(LockKey);
            if (await tryLock.ExecuteScalarAsync(ct) is true)
            {
                _isLeader = true;
                logger.LogInformation("Instance {Instance} holds the alert lease: it evaluates alerts and sends their notifications", cluster.InstanceId);
                Acquired?.Invoke();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            if (_isLeader)
            {
                logger.LogWarning(ex, "Instance {Instance} lost the alert lease with its PostgreSQL session", cluster.InstanceId);
            }
            _isLeader = false;
            await DropSessionAsync();
        }
    }

    private async Task ReleaseAsync()
    {
        // Closing the unpooled session releases the lock; another instance takes it at its next check.
        _isLeader = false;
        await DropSessionAsync();
    }

    private async Task DropSessionAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            try
            {
                await session.DisposeAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
            {
            }
        }
    }
}
