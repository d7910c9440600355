using System.Net;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Failed authentication is limited per client address; forwarded headers count only when enabled (issue 11, items 8 and 9).</summary>
public sealed class FailedAuthLimitTests
{
    private static readonly Dictionary<string, string?> FiveFailures = new()
    {
        ["Auth:MaxFailedAuthPerWindow"] = "5",
        ["Auth:FailedAuthWindowSeconds"] = "120",
    };

    [Fact]
    public async Task WrongKeys_BeyondLimit_Return429WithRetryAfter_EvenForTheRightKey()
    {
        await using var factory = SecuredDashboard.Create(FiveFailures);
        using var wrong = SecuredDashboard.Client(factory, "wrong-key-0123456789abcdefghijkl");
        using var right = SecuredDashboard.Client(factory, SecuredDashboard.ViewerKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await wrong.GetAsync("/api/v1/runs");
            statuses.Add(response.StatusCode);
        }
        using var blocked = await right.GetAsync("/api/v1/runs");
        using var anonymousPage = await SecuredDashboard.Browser(factory).Http.GetAsync("/");

        statuses.Should().Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests]);
        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        blocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 120);
        blocked.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        anonymousPage.StatusCode.Should().Be(HttpStatusCode.Redirect, "requests without credentials still reach /login");
    }

    [Fact]
    public async Task WrongLoginTokens_BeyondLimit_Return429()
    {
        await using var factory = SecuredDashboard.Create(FiveFailures);
        var (browser, _) = SecuredDashboard.Browser(factory);
        using var _ = browser;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await browser.GetAsync($"/login?t=wrong-token-{i}-0123456789abcdef");
            statuses.Add(response.StatusCode);
        }
        using var right = await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");

        statuses.Should().Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests]);
        right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        right.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task ForwardedHeadersEnabled_LimitPerForwardedClient_AndCookieSecureOverHttps()
    {
        var settings = new Dictionary<string, string?>(FiveFailures) { ["ForwardedHeaders:Enabled"] = "true" };
        await using var factory = SecuredDashboard.Create(settings);
        using var http = factory.CreateHttpClient();

        for (var i = 0; i < 5; i++)
        {
            await SendAsync(http, "/api/v1/runs", "203.0.113.7", key: "wrong-key-0123456789abcdefghijkl");
        }
        using var attacker = await SendAsync(http, "/api/v1/runs", "203.0.113.7", key: SecuredDashboard.ViewerKey);
        using var neighbour = await SendAsync(http, "/api/v1/runs", "203.0.113.8", key: SecuredDashboard.ViewerKey);
        using var login = await SendAsync(http, $"/login?t={SecuredDashboard.BrowserToken}", "203.0.113.9", proto: "https");

        attacker.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        neighbour.StatusCode.Should().Be(HttpStatusCode.OK);
        SessionCookie(login).Should().Contain("secure", "the proxy says the browser spoke https");
    }

    [Fact]
    public async Task ForwardedHeadersOff_HeadersIgnored_CookieNotSecureOverHttp()
    {
        await using var factory = SecuredDashboard.Create(FiveFailures);
        using var http = factory.CreateHttpClient();

        using var login = await SendAsync(http, $"/login?t={SecuredDashboard.BrowserToken}", "203.0.113.9", proto: "https");
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(http, "/api/v1/runs", "203.0.113.7", key: "wrong-key-0123456789abcdefghijkl");
        }
        using var spoofed = await SendAsync(http, "/api/v1/runs", "203.0.113.8", key: SecuredDashboard.ViewerKey);

        spoofed.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "X-Forwarded-For is not trusted unless ForwardedHeaders:Enabled");
        SessionCookie(login).Should().NotContain("secure", "X-Forwarded-Proto is not trusted either");
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".Dashboard.Session=", StringComparison.Ordinal)).ToLowerInvariant();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string client, string? key = null, string proto = "http")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Forwarded-Proto", proto);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var noRedirect = new HttpClient(handler) { BaseAddress = http.BaseAddress };
        return await noRedirect.SendAsync(request);
    }
}
