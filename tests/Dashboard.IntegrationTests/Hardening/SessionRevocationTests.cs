using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Sign-out and key revocation end sessions on the server and close live hub connections (issue 11, items 2 and 9).</summary>
public sealed class SessionRevocationTests
{
    [Fact]
    public async Task Logout_SavedCookie_NoLongerReadsApi()
    {
        await using var factory = SecuredDashboard.Create();
        var (browser, cookies) = SecuredDashboard.Browser(factory);
        using var _ = browser;
        (await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var saved = cookies.GetCookieHeader(factory.BaseAddress);
        (await WithCookieAsync(factory, saved, "/api/v1/runs")).Should().Be(HttpStatusCode.OK);

        await LogoutAsync(browser);

        (await WithCookieAsync(factory, saved, "/api/v1/runs")).Should().Be(HttpStatusCode.Unauthorized, "the session ended on the server");
    }

    [Fact]
    public async Task Logout_AfterRestart_SessionStillKnownThenEnded()
    {
        var path = TempFiles.NewDatabasePath();
        string saved;
        await using (var first = SecuredDashboard.Create(databasePath: path))
        {
            var (browser, cookies) = SecuredDashboard.Browser(first);
            using var _ = browser;
            await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");
            saved = cookies.GetCookieHeader(first.BaseAddress);
        }
        await using var second = SecuredDashboard.Create(databasePath: path);

        var afterRestart = await WithCookieAsync(second, saved, "/api/v1/runs");

        afterRestart.Should().Be(HttpStatusCode.OK, "sessions are stored, so a restart signs nobody out");
    }

    [Fact]
    public async Task RevokeKey_SessionOpenedWithIt_Ends()
    {
        await using var factory = SecuredDashboard.Create();
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);
        var (id, key) = await CreateKeyAsync(admin, "viewer");
        var (browser, cookies) = SecuredDashboard.Browser(factory);
        using var _ = browser;
        await browser.GetAsync($"/login?t={key}");
        var saved = cookies.GetCookieHeader(factory.BaseAddress);
        (await WithCookieAsync(factory, saved, "/api/v1/runs")).Should().Be(HttpStatusCode.OK);

        (await admin.DeleteAsync($"/api/v1/settings/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await WithCookieAsync(factory, saved, "/api/v1/runs")).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokeKey_HubConnectionOpenedWithIt_ClosedAndHearsNothingMore()
    {
        await using var factory = SecuredDashboard.Create();
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        var (id, key) = await CreateKeyAsync(admin, "viewer");
        await using var hub = await HubTestClient.ConnectAsync(factory.BaseAddress, configure: o => o.SetRequestHeader("X-Api-Key", key));
        await using var other = await HubTestClient.ConnectAsync(factory.BaseAddress, configure: o => o.SetRequestHeader("X-Api-Key", SecuredDashboard.ViewerKey));
        await hub.InvokeAsync("SubscribeRun", "watched");
        await other.InvokeAsync("SubscribeRun", "watched");

        (await admin.DeleteAsync($"/api/v1/settings/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await WaitFor.ConditionAsync(() => !hub.IsOpen, TimeSpan.FromSeconds(5), "the revoked key's connection is closed");
        (await Json.PostIngestAsync(ingest, "watched", new { type = "metric", name = "loss", value = 1 })).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => other.ArgumentsOf("MetricsAppended").Any(), TimeSpan.FromSeconds(10), "the other viewer still hears pushes");
        hub.ArgumentsOf("MetricsAppended").Should().BeEmpty();
        await FluentActions.Awaiting(() => hub.InvokeAsync("SubscribeRun", "other-run")).Should().ThrowAsync<Exception>();
        var reconnect = () => HubTestClient.ConnectAsync(factory.BaseAddress, configure: o => o.SetRequestHeader("X-Api-Key", key));
        await reconnect.Should().ThrowAsync<System.Net.WebSockets.WebSocketException>();
    }

    [Fact]
    public async Task Logout_HubConnectionOfThatSession_Closed()
    {
        await using var factory = SecuredDashboard.Create();
        var (browser, cookies) = SecuredDashboard.Browser(factory);
        using var _ = browser;
        await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");
        var cookie = cookies.GetCookieHeader(factory.BaseAddress);
        await using var hub = await HubTestClient.ConnectAsync(factory.BaseAddress, configure: o => o.SetRequestHeader("Cookie", cookie));
        await hub.InvokeAsync("SubscribeOverview");

        await LogoutAsync(browser);

        await WaitFor.ConditionAsync(() => !hub.IsOpen, TimeSpan.FromSeconds(5), "signing out closes the session's hub connection");
    }

    private static async Task LogoutAsync(HttpClient browser)
    {
        var token = SecuredDashboard.AntiforgeryToken(await browser.GetStringAsync("/"));
        using var logout = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    internal static async Task<HttpStatusCode> WithCookieAsync(Infrastructure.DashboardFactory factory, string cookie, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = factory.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    internal static async Task<(string Id, string Key)> CreateKeyAsync(HttpClient admin, string role)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/settings/keys", new { name = "temp " + role, role });
        response.EnsureSuccessStatusCode();
        var body = await Json.ReadAsync(response);
        return (body.GetProperty("info").GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }
}
