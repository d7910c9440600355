using System.Net;
using System.Text.RegularExpressions;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Security;

/// <summary>A dashboard in Auth:Mode=Token with one configured key of each role and a browser token.</summary>
public static partial class SecuredDashboard
{
    public const string IngestKey = "ingest-key-0123456789abcdefghij";
    public const string ViewerKey = "viewer-key-0123456789abcdefghij";
    public const string AdminKey = "admin-key-0123456789abcdefghijk";
    public const string BrowserToken = "browser-token-0123456789abcdefgh";

    public static DashboardFactory Create(IDictionary<string, string?>? extra = null, string? databasePath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Token",
            ["Auth:IngestKeys:0"] = IngestKey,
            ["Auth:ViewerKeys:0"] = ViewerKey,
            ["Auth:AdminKeys:0"] = AdminKey,
            ["Auth:BrowserToken"] = BrowserToken,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        return new DashboardFactory(databasePath, settings);
    }

    public static HttpClient Client(DashboardFactory factory, string? key)
    {
        var http = factory.CreateHttpClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return http;
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed.</summary>
    public static (HttpClient Http, CookieContainer Cookies) Browser(DashboardFactory factory)
    {
        var cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false };
        return (new HttpClient(handler) { BaseAddress = factory.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, cookies);
    }

    public static string AntiforgeryToken(string html) =>
        AntiforgeryPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
