using System.Security.Cryptography;
using System.Text;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>One key as the dashboard knows it: never the key itself, only its SHA-256.</summary>
public sealed record ApiKeyEntry(string Id, string Name, string Role, string Kind, byte[] Hash, string Prefix,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Configured)
{
    public bool Active => RevokedAt is null;
}

/// <summary>
/// Keys from configuration (hashed at start, never stored) and keys created here (hash in the
/// api_keys table). Lookups hash the presented key and compare it with every active hash in
/// constant time, so the answer's timing says nothing about how close a guess was.
/// </summary>
public sealed class ApiKeyStore(IKeyStore keys, IOptions<AuthOptions> options, AccessRevocations revocations, TimeProvider time)
{
    public const string KindKey = "key";
    public const string KindBrowser = "browser";
    private const string KeyPrefix = "dk_";

    private readonly object _gate = new();
    private volatile ApiKeyEntry[] _entries = [];

    /// <summary>Secrets created at this start (first start, --Auth:NewBrowserToken, demo): printed once, then only hashes remain.</summary>
    internal string? CreatedBrowserToken { get; private set; }

    internal string? CreatedIngestKey { get; private set; }

    /// <summary>An in-memory ingest key for the --demo generator; never persisted.</summary>
    internal string? DemoKey { get; private set; }

    public IReadOnlyList<ApiKeyEntry> Entries => _entries;

    /// <summary>Loads configured and stored keys; with nothing to log in or ingest with, creates what is missing.</summary>
    public void Initialize(bool demo)
    {
        var o = options.Value;
        var entries = new List<ApiKeyEntry>();
        AddConfigured(entries, o.IngestKeys, AccessPolicy.RoleIngest, KindKey, "Auth:IngestKeys");
        AddConfigured(entries, o.ViewerKeys, AccessPolicy.RoleViewer, KindKey, "Auth:ViewerKeys");
        AddConfigured(entries, o.AdminKeys, AccessPolicy.RoleAdmin, KindKey, "Auth:AdminKeys");
        AddConfigured(entries, o.ScrapeKeys, AccessPolicy.RoleScrape, KindKey, "Auth:ScrapeKeys");
        if (!string.IsNullOrEmpty(o.BrowserToken))
        {
            AddConfigured(entries, [o.BrowserToken], AccessPolicy.RoleAdmin, KindBrowser, "Auth:BrowserToken");
        }
        entries.AddRange(LoadStored());
        _entries = [.. entries];
        if (o.IsNone)
        {
            return;
        }
        if (o.NewBrowserToken)
        {
            foreach (var e in entries.Where(e => e is { Kind: KindBrowser, Configured: false, Active: true }))
            {
                Revoke(e.Id);
            }
        }
        if (o.NewBrowserToken || !_entries.Any(e => e.Active && e.Role == AccessPolicy.RoleAdmin))
        {
            CreatedBrowserToken = Create("browser token", AccessPolicy.RoleAdmin, KindBrowser).Key;
        }
        if (!_entries.Any(e => e.Active && e.Role == AccessPolicy.RoleIngest))
        {
            CreatedIngestKey = Create("first-start ingest key", AccessPolicy.RoleIngest, KindKey).Key;
        }
        if (demo)
        {
            DemoKey = NewSecret();
            Add(new ApiKeyEntry("demo", "demo generator (in memory)", AccessPolicy.RoleIngest, KindKey, Hash(DemoKey),
                Prefix(DemoKey), time.GetUtcNow(), null, Configured: true));
        }
    }

    /// <summary>The active entry whose hash matches <paramref name="presented"/>, or null.</summary>
    public ApiKeyEntry? Find(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return null;
        }
        var hash = Hash(presented);
        ApiKeyEntry? match = null;
        foreach (var e in _entries)
        {
            // No early exit: every active hash is compared, each in constant time.
            if (CryptographicOperations.FixedTimeEquals(hash, e.Hash) && e.Active)
            {
                match = e;
            }
        }
        return match;
    }

    public bool IsActive(string id) => _entries.Any(e => e.Id == id && e.Active);

    /// <summary>Creates and stores a key; the plain key is returned this once.</summary>
    public (ApiKeyEntry Entry, string Key) Create(string name, string role, string kind = KindKey)
    {
        var key = NewSecret();
        var hash = Hash(key);
        var now = time.GetUtcNow();
        var id = keys.AddKey(name, role, kind, hash, Prefix(key), Timestamps.ToMicros(now));
        var entry = new ApiKeyEntry(StoredId(id), name, role, kind, hash, Prefix(key), now, null, Configured: false);
        Add(entry);
        Created?.Invoke(entry.Id);
        return (entry, key);
    }

    /// <summary>Raised with the id of a key just stored, so other instances can load it.</summary>
    public event Action<string>? Created;

    /// <summary>Reads the stored keys again (another instance created or revoked one); configured keys stay as they are.</summary>
    public void Reload()
    {
        // Under the lock, so a key this instance creates meanwhile is either read here or added after.
        lock (_gate)
        {
            _entries = [.. _entries.Where(e => e.Configured), .. LoadStored()];
        }
    }

    /// <summary>Revokes a stored key; configured keys are revoked by removing them from configuration.</summary>
    public bool Revoke(string id)
    {
        var entry = _entries.FirstOrDefault(e => e.Id == id);
        if (entry is null || entry.Configured || !entry.Active || !long.TryParse(id.AsSpan(3), out var rowId))
        {
            return false;
        }
        var now = time.GetUtcNow();
        keys.RevokeKey(rowId, Timestamps.ToMicros(now));
        lock (_gate)
        {
            _entries = [.. _entries.Select(e => e.Id == id ? e with { RevokedAt = now } : e)];
        }
        revocations.OnKeyRevoked(id);
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>256 random bits, URL-safe so it fits a login URL and a header alike.</summary>
    public static string NewSecret() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Prefix(string key) => key.Length <= 10 ? "***" : key[..10] + "…";

    private static string StoredId(long id) => "db:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Add(ApiKeyEntry entry)
    {
        lock (_gate)
        {
            if (_entries.All(e => e.Id != entry.Id))
            {
                _entries = [.. _entries, entry];
            }
        }
    }

    private void AddConfigured(List<ApiKeyEntry> entries, IEnumerable<string> keys, string role, string kind, string source)
    {
        var i = 0;
        foreach (var key in keys.Where(k => !string.IsNullOrEmpty(k)))
        {
            var name = kind == KindBrowser ? source : $"{source}:{i}";
            entries.Add(new ApiKeyEntry("cfg:" + name, name, role, kind, Hash(key), Prefix(key), time.GetUtcNow(), null, Configured: true));
            i++;
        }
    }

    private List<ApiKeyEntry> LoadStored() =>
        keys.GetKeys().Select(k => new ApiKeyEntry(StoredId(k.Id), k.Name, k.Role, k.Kind, k.Hash, k.Prefix, Timestamps.FromMicros(k.CreatedAt),
            k.RevokedAt is { } at ? Timestamps.FromMicros(at) : null, Configured: false)).ToList();
}
