using System.Text.RegularExpressions;

namespace Dashboard.Security;

/// <summary>What a request needs. Ordered: each level but Ingest includes the ones before it.</summary>
public enum Access
{
    Public,
    Ingest,
    Viewer,
    Admin,

    /// <summary>GET /metrics: a scrape key, a viewer or an admin.</summary>
    Scrape,
}

/// <summary>
/// Maps every request to the access it needs from its path and method alone, so endpoints other
/// features add later are covered without metadata: unknown writes need admin, unknown reads viewer.
/// </summary>
public static partial class AccessPolicy
{
    public const string RoleIngest = "ingest";
    public const string RoleViewer = "viewer";
    public const string RoleAdmin = "admin";

    /// <summary>Prometheus' key: GET /metrics and nothing else.</summary>
    public const string RoleScrape = "scrape";

    // /_framework/ holds blazor.web.js: static, and the sign-in page loads it too.
    private static readonly string[] PublicPrefixes = ["/css/", "/js/", "/lib/", "/_content/", "/_framework/"];

    [GeneratedRegex("^/api/v1/runs/[^/]+/import$", RegexOptions.IgnoreCase)]
    private static partial Regex ImportPath();

    [GeneratedRegex("/{2,}")]
    private static partial Regex Slashes();

    public static Access Required(string method, string? rawPath)
    {
        var path = Slashes().Replace(rawPath ?? "/", "/").TrimEnd('/');
        if (path.Length == 0)
        {
            path = "/";
        }
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (Is(path, "/login") || Is(path, "/logout") || Is(path, "/healthz") || Is(path, "/favicon.ico"))
        {
            return Access.Public;
        }
        if (read && PublicPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return Access.Public;
        }
        if (read && Is(path, "/metrics"))
        {
            return Access.Scrape;
        }
        if (Under(path, "/hubs") || Under(path, "/_blazor"))
        {
            // /_blazor is the interactive pages' circuit: reading pages is viewer access; what a page may change
            // (settings, keys) checks the role in the page itself.
            // The negotiate request is a POST; the hub only subscribes, so it is read access.
            return Access.Viewer;
        }
        if (Under(path, "/api/v1/settings") || Under(path, "/settings"))
        {
            return Access.Admin;
        }
        if (HttpMethods.IsPost(method) && (Is(path, "/api/v1/ingest") || Is(path, "/api/v1/alerts") || ImportPath().IsMatch(path)
            || Is(path, "/v1/metrics") || Is(path, "/v1/traces") || Is(path, "/v1/logs")))
        {
            return Access.Ingest;
        }
        return read ? Access.Viewer : Access.Admin;
    }

    /// <summary>Whether a principal holding <paramref name="role"/> may do what <paramref name="required"/> asks.</summary>
    public static bool Allows(string? role, Access required) => required switch
    {
        Access.Public => true,
        Access.Ingest => role is RoleIngest or RoleAdmin,
        Access.Viewer => role is RoleViewer or RoleAdmin,
        Access.Admin => role is RoleAdmin,
        Access.Scrape => role is RoleScrape or RoleViewer or RoleAdmin,
        _ => false,
    };

    private static bool Is(string path, string expected) => string.Equals(path, expected, StringComparison.OrdinalIgnoreCase);

    private static bool Under(string path, string prefix) =>
        Is(path, prefix) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);
}
