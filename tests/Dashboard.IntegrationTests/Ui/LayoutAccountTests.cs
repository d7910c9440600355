using AngleSharp.Html.Parser;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>The top bar in Auth:Mode=Token: who is signed in, a sign-out form, nav marking the current page.</summary>
public sealed class LayoutAccountTests
{
    [Fact]
    public async Task Layout_SignedInAdmin_ShowsRoleSignOutAndCurrentPage()
    {
        await using var factory = SecuredDashboard.Create();
        var (browser, _) = SecuredDashboard.Browser(factory);
        await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");

        var html = await browser.GetStringAsync("/alerts");

        var doc = new HtmlParser().ParseDocument(html);
        doc.QuerySelector("#whoami")!.GetAttribute("data-role").Should().Be("admin");
        var form = doc.QuerySelector("#signout-form")!;
        form.GetAttribute("action").Should().Be("/logout");
        form.GetAttribute("method").Should().Be("post");
        form.QuerySelector("input[name='__RequestVerificationToken']").Should().NotBeNull();
        doc.QuerySelectorAll(".nav a[aria-current='page']").Select(a => a.TextContent).Should().Equal("Alerts");
        doc.QuerySelectorAll(".nav a").Select(a => a.TextContent).Should().Contain("Settings");
        doc.QuerySelector("#signin").Should().BeNull();
    }

    [Fact]
    public async Task SignOutForm_Posted_EndsSession()
    {
        await using var factory = SecuredDashboard.Create();
        var (browser, cookies) = SecuredDashboard.Browser(factory);
        await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}");
        var html = await browser.GetStringAsync("/");

        using var posted = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SecuredDashboard.AntiforgeryToken(html),
        }));

        posted.Headers.Location!.ToString().Should().Be("/login");
        cookies.GetCookies(factory.BaseAddress).Should().NotContain(c => c.Name == ".Dashboard.Session" && !c.Expired && c.Value != "");
        using var after = await browser.GetAsync("/");
        after.Headers.Location!.ToString().Should().StartWith("/login");
    }

    [Fact]
    public async Task Layout_ViewerAndSignedOut_HideWhatTheyCannotOpen()
    {
        await using var factory = SecuredDashboard.Create();
        var (viewer, _) = SecuredDashboard.Browser(factory);
        var (anonymous, _) = SecuredDashboard.Browser(factory);
        var loginPage = await viewer.GetStringAsync("/login");
        (await viewer.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = SecuredDashboard.AntiforgeryToken(loginPage),
            ["Input.Token"] = SecuredDashboard.ViewerKey,
        }))).Dispose();

        var viewerDoc = new HtmlParser().ParseDocument(await viewer.GetStringAsync("/"));
        var anonymousDoc = new HtmlParser().ParseDocument(await anonymous.GetStringAsync("/login"));

        viewerDoc.QuerySelector("#whoami")!.GetAttribute("data-role").Should().Be("viewer");
        viewerDoc.QuerySelectorAll(".nav a").Select(a => a.TextContent).Should().Equal("Runs", "Explore", "Predictions", "Pipelines", "Alerts");
        viewerDoc.QuerySelector(".nav a[aria-current='page']")!.TextContent.Should().Be("Runs");
        anonymousDoc.QuerySelector(".nav").Should().BeNull("signed out, every page but sign-in redirects to it");
        anonymousDoc.QuerySelector("#signout-form").Should().BeNull();
    }
}
