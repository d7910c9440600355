using System.Net;
using System.Text;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Resolving an alert cannot be forged by another site; the page's own Resolve button works (issue 11, item 12).</summary>
public sealed class AlertResolveForgeryTests : HostedTest
{
    [Fact]
    public async Task CrossSiteStylePosts_WithoutTokenOrJson_RefusedAndAlertStillFiring()
    {
        var id = await RaiseAsync("forge me");

        using var bodyless = await CrossSiteAsync($"/api/v1/alerts/{id}/resolve", null);
        using var textPlain = await CrossSiteAsync($"/api/v1/alerts/{id}/resolve", new StringContent("{}", Encoding.UTF8, "text/plain"));
        using var form = await CrossSiteAsync($"/alerts/{id}/resolve", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));
        using var alertAsText = await CrossSiteAsync("/api/v1/alerts", new StringContent("""{"message":"<!channel> spam"}""", Encoding.UTF8, "text/plain"));

        foreach (var refused in new[] { bodyless, textPlain, alertAsText })
        {
            refused.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
            (await Json.ReadAsync(refused)).GetProperty("field").GetString().Should().Be("Content-Type");
        }
        form.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a form post without the antiforgery token is refused");
        var alerts = await Json.GetAsync(Http, "/api/v1/alerts");
        alerts.EnumerateArray().Should().ContainSingle().Which.GetProperty("state").GetString().Should().Be("firing");
    }

    [Fact]
    public async Task ApiResolve_NonSimpleRequest_StillWorks()
    {
        var id = await RaiseAsync("resolve me");

        using var response = await Http.PostAsync($"/api/v1/alerts/{id}/resolve", new StringContent("", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json.ReadAsync(response)).GetProperty("state").GetString().Should().Be("resolved");
    }

    [Fact]
    public async Task ApiResolve_SessionCookieWithoutJson_Refused()
    {
        await using var factory = SecuredDashboard.Create();
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        (await ingest.PostAsync("/api/v1/alerts", Json.Content(new { message = "session forge" }))).EnsureSuccessStatusCode();
        var id = (await Json.GetAsync(admin, "/api/v1/alerts")).EnumerateArray().Single().GetProperty("id").GetInt64();
        var (browser, _) = SecuredDashboard.Browser(factory);
        using var _ = browser;
        await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");

        using var forged = await browser.PostAsync($"/api/v1/alerts/{id}/resolve", null);

        forged.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AlertsPage_ResolveButton_ResolvesInChromium()
    {
        await RaiseAsync("press resolve");
        var page = await Browser.NewPageAsync(Factory.BaseAddress);
        await page.GotoAsync("/alerts");
        await page.Locator("#alert-feed[data-live=on]").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        var row = page.Locator("#alert-feed tr:has([data-state=firing])");
        await row.WaitForAsync();

        await row.Locator("button", new() { HasText = "Resolve" }).ClickAsync();

        await page.Locator("#alert-feed tr:has([data-state=resolved])").WaitForAsync(new() { Timeout = 10_000 });
        new Uri(page.Url).AbsolutePath.Should().Be("/alerts");
        (await page.Locator("#alert-feed tr:has([data-state=firing])").CountAsync()).Should().Be(0);
        (await page.Locator("#alert-feed button", new() { HasText = "Resolve" }).CountAsync()).Should().Be(0);
        await Infrastructure.Browser.ScreenshotAsync(page, "alerts-resolved-by-button");
        Browser.Errors.Should().BeEmpty();
    }

    private async Task<long> RaiseAsync(string message)
    {
        using var response = await Http.PostAsync("/api/v1/alerts", Json.Content(new { message, severity = "error" }));
        response.EnsureSuccessStatusCode();
        return (await Json.ReadAsync(response)).GetProperty("id").GetInt64();
    }

    private Task<HttpResponseMessage> CrossSiteAsync(string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        return Http.SendAsync(request);
    }
}
