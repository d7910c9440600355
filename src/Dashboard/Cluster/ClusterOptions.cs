using System.ComponentModel.DataAnnotations;

namespace Dashboard.Cluster;

/// <summary>Several instances on one PostgreSQL (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>
    /// The PostgreSQL connection the instances talk over (LISTEN/NOTIFY and the alert lease). Empty: the
    /// storage connection (<c>ConnectionStrings:Dashboard</c>) when <c>Storage:Provider</c> is PostgreSQL, and no
    /// cluster at all with SQLite. Set it when the storage connection goes through a pooler in transaction mode
    /// (PgBouncer), which cannot hold a LISTEN or a session advisory lock: point this one at the server itself.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>This instance's name in logs and in its own messages (default: host name and process id).</summary>
    public string? InstanceId { get; set; }

    /// <summary>How often an instance without the alert lease tries to take it, and the holder checks it still has it.</summary>
    [Range(1, 60, ErrorMessage = "Cluster:LeaseCheckSeconds must be between 1 and 60.")]
    public int LeaseCheckSeconds { get; set; } = 2;

    /// <summary>How long the listener waits before reconnecting after losing its connection.</summary>
    [Range(100, 60_000, ErrorMessage = "Cluster:ReconnectMilliseconds must be between 100 and 60000.")]
    public int ReconnectMilliseconds { get; set; } = 1000;
}
