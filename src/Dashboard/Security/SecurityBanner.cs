using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>The security part of the start-up banner: how to sign in and which key to ingest with, or a loud warning that nobody has to.</summary>
public static class SecurityBanner
{
    /// <summary>What the printed curl command sends as its key: the key just created, else a placeholder the reader replaces.</summary>
    public const string IngestKeyPlaceholder = "<your ingest key>";

    /// <summary>The lines for <see cref="Hosting.StartupBanner"/> and the key its curl command should send (null: no key needed).</summary>
    public static (List<string> Lines, string? CurlKey) Describe(IServiceProvider services, string address)
    {
        var options = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (options.IsNone)
        {
            var hosts = options.AllowedHosts.Contains("*")
                ? "any Host name (Auth:AllowedHosts has \"*\": a web page using DNS rebinding can act as admin)"
                : "Host names localhost, 127.0.0.0/8 and [::1]" + (options.AllowedHosts.Count > 0 ? " and " + string.Join(", ", options.AllowedHosts) : "")
                    + "; others get 421 (add names with Auth:AllowedHosts)";
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Dashboard.Security").LogWarning(
                "Auth:Mode=None: authentication is OFF. Anyone who can reach {Address} can read, ingest, change settings and delete runs; it answers {Hosts}",
                address, hosts);
            return ([
                "  Sign in:     not needed. WARNING: Auth:Mode=None, anyone who can reach this address is an admin;",
                "               use it only on a trusted machine.",
                $"  Hosts:       answers only {hosts}",
            ], null);
        }
        var keys = services.GetRequiredService<ApiKeyStore>();
        var lines = new List<string>();
        if (keys.CreatedBrowserToken is { } token)
        {
            lines.Add($"  Sign in:     {address}/login?t={token}");
            lines.Add("               (admin; shown once, only its hash is kept)");
        }
        else
        {
            lines.Add($"  Sign in:     {address}/login with the login URL printed at first start, Auth:BrowserToken or an admin key");
            lines.Add("               (lost it? start once with --Auth:NewBrowserToken=true for a fresh one)");
        }
        if (keys.CreatedIngestKey is { } ingest)
        {
            lines.Add($"  Ingest key:  {ingest}");
            lines.Add("               (shown once; send it as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>')");
        }
        else
        {
            lines.Add($"  Ingest key:  an existing ingest key (Auth:IngestKeys, or create one at {address}/settings/keys)");
        }
        if (keys.DemoKey is not null)
        {
            lines.Add("  Demo:        the --demo generator posts with an in-memory ingest key of its own");
        }
        return (lines, keys.CreatedIngestKey ?? IngestKeyPlaceholder);
    }
}
