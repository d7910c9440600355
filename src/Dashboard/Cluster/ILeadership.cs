namespace Dashboard.Cluster;

/// <summary>
/// Whether this instance is the one that evaluates alerts and sends what only one instance may send
/// (webhooks of evaluated alerts, Alertmanager re-sends). One instance alone always is.
/// </summary>
public interface ILeadership
{
    bool IsLeader { get; }

    /// <summary>Raised when this instance becomes the leader, so it can reload state another instance kept up to date.</summary>
    event Action? Acquired;
}

/// <summary>A single instance (SQLite, or PostgreSQL without a cluster): always the leader.</summary>
public sealed class SingleInstanceLeadership : ILeadership
{
    public bool IsLeader => true;

    public event Action? Acquired
    {
        add { }
        remove { }
    }
}
