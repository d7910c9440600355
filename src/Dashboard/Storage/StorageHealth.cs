namespace Dashboard.Storage;

/// <summary>Whether the last commit failed (set only by the writer) or the file check found damage: read by /healthz.</summary>
public sealed class StorageHealth
{
    private volatile bool _failing;
    private volatile string? _fileDamage;

    public bool Failing
    {
        get => _failing;
        internal set => _failing = value;
    }

    /// <summary>What the background file check found wrong with the database file; null while sound or unchecked.</summary>
    public string? FileDamage
    {
        get => _fileDamage;
        internal set => _fileDamage = value;
    }
}
