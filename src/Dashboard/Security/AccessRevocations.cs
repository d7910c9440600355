namespace Dashboard.Security;

/// <summary>
/// Announces credentials that stop being valid, so whatever holds a connection opened with them (the
/// live hub) can close it: a check at connect time alone would let a revoked key keep listening.
/// </summary>
public sealed class AccessRevocations
{
    /// <summary>Raised with the id of a key that was just revoked (its sessions end too).</summary>
    public event Action<string>? KeyRevoked;

    /// <summary>Raised with the id of a browser session that was just ended (sign-out, revocation, expiry).</summary>
    public event Action<string>? SessionEnded;

    public void OnKeyRevoked(string keyId) => KeyRevoked?.Invoke(keyId);

    public void OnSessionEnded(string sessionId) => SessionEnded?.Invoke(sessionId);
}
