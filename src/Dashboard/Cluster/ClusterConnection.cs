using Npgsql;

namespace Dashboard.Cluster;

/// <summary>
/// Where the instances meet, and who this one is. The listener and the lease each hold one unpooled
/// session of their own: a LISTEN and a session advisory lock belong to a session, and a pooled connection
/// returned to the pool would keep (or silently reset) them.
/// </summary>
public sealed class ClusterConnection(string connectionString, string instanceId)
{
    public string InstanceId { get; } = instanceId;

    /// <summary>For short statements (NOTIFY): pooled.</summary>
    public NpgsqlDataSource Pooled { get; } = NpgsqlDataSource.Create(connectionString);

    /// <summary>A dedicated session for a LISTEN or a lock, closed for real when disposed.</summary>
    public async Task<NpgsqlConnection> OpenSessionAsync(string purpose, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = $"dashboard {purpose} {InstanceId}",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
