using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>Who may do what (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>Token</c> (default): API keys and a browser login are required. <c>None</c>: everyone is admin (trusted local use only).</summary>
    public string Mode { get; set; } = "Token";

    /// <summary>A browser login token (admin) that /login?t=... accepts, besides the one created at first start.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>Write-only keys: POST ingest, import and alerts.</summary>
    public List<string> IngestKeys { get; set; } = [];

    /// <summary>Read-only keys: pages, GET queries, exports, the hub.</summary>
    public List<string> ViewerKeys { get; set; } = [];

    /// <summary>Keys that may do everything, including settings, keys and deleting runs.</summary>
    public List<string> AdminKeys { get; set; } = [];

    /// <summary>Keys for Prometheus: GET /metrics only.</summary>
    public List<string> ScrapeKeys { get; set; } = [];

    /// <summary>Start-up with a fresh browser token (the old ones are revoked) printed once.</summary>
    public bool NewBrowserToken { get; set; }

    /// <summary>Lifetime of a browser session cookie in hours (sliding). Default 12.</summary>
    public int SessionHours { get; set; } = 12;

    /// <summary>Requests per second each key (or, unauthenticated, each client address) may make; 0 turns the limiter off. Default 100.</summary>
    public int RateLimitPerSecond { get; set; } = 100;

    /// <summary>Burst a key may spend at once before the per-second rate applies. Default 200.</summary>
    public int RateLimitBurst { get; set; } = 200;

    /// <summary>Events per second per key that ingest accepts (429 above); 0 turns it off. Default 20,000.</summary>
    public int EventRateLimitPerSecond { get; set; } = 20_000;

    /// <summary>Events a key may send at once above its rate (at least one full batch). Default 40,000.</summary>
    public int EventRateLimitBurst { get; set; } = 40_000;

    /// <summary>Failed authentications (unknown key, wrong login token) one client address may make per window before 429; 0 turns it off. Default 20.</summary>
    public int MaxFailedAuthPerWindow { get; set; } = 20;

    /// <summary>Length of the failed-authentication window in seconds. Default 300.</summary>
    public int FailedAuthWindowSeconds { get; set; } = 300;

    /// <summary>
    /// Auth:Mode=None only: host names answered besides localhost, 127.0.0.0/8 and [::1] (default none).
    /// "*" answers any host and gives up the DNS-rebinding protection.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    public bool IsNone => string.Equals(Mode, "None", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Checks every <see cref="AuthOptions"/> key at start-up and reports all faults at once.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>Configured keys must carry at least 128 bits; 22 base64 characters do.</summary>
    public const int MinKeyLength = 22;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.Mode, "Token", StringComparison.OrdinalIgnoreCase) && !options.IsNone)
        {
            failures.Add($"Auth:Mode must be Token or None; got '{options.Mode}'.");
        }
        CheckKeys("IngestKeys", options.IngestKeys);
        CheckKeys("ViewerKeys", options.ViewerKeys);
        CheckKeys("AdminKeys", options.AdminKeys);
        CheckKeys("ScrapeKeys", options.ScrapeKeys);
        if (options.BrowserToken is { } token)
        {
            CheckKeys("BrowserToken", [token]);
        }
        if (options.SessionHours is < 1 or > 24 * 90)
        {
            failures.Add("Auth:SessionHours must be between 1 and 2160.");
        }
        if (options.RateLimitPerSecond is < 0 or > 1_000_000)
        {
            failures.Add("Auth:RateLimitPerSecond must be between 0 (off) and 1000000.");
        }
        if (options.RateLimitBurst is < 1 or > 10_000_000)
        {
            failures.Add("Auth:RateLimitBurst must be between 1 and 10000000.");
        }
        if (options.EventRateLimitPerSecond is < 0 or > 100_000_000)
        {
            failures.Add("Auth:EventRateLimitPerSecond must be between 0 (off) and 100000000.");
        }
        if (options.EventRateLimitBurst is < 1 or > 100_000_000)
        {
            failures.Add("Auth:EventRateLimitBurst must be between 1 and 100000000.");
        }
        if (options.MaxFailedAuthPerWindow is < 0 or > 1_000_000)
        {
            failures.Add("Auth:MaxFailedAuthPerWindow must be between 0 (off) and 1000000.");
        }
        if (options.FailedAuthWindowSeconds is < 1 or > 86_400)
        {
            failures.Add("Auth:FailedAuthWindowSeconds must be between 1 and 86400.");
        }
        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedHosts[i]) || options.AllowedHosts[i].Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            {
                failures.Add($"Auth:AllowedHosts:{i} must be a host name without port, path or spaces (or \"*\").");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void CheckKeys(string key, List<string> keys)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i] is null || keys[i].Length < MinKeyLength || keys[i].Any(char.IsWhiteSpace))
                {
                    failures.Add($"Auth:{key}{(key == "BrowserToken" ? "" : $":{i}")} must be at least {MinKeyLength} characters without spaces (128 bits or more).");
                }
            }
        }
    }
}
