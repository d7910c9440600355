namespace Dashboard.Persistence;

/// <summary>Whether the last commit failed: read by /healthz, set only by the writer.</summary>
public sealed class StorageHealth
{
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        internal set => _failing = value;
    }
}
