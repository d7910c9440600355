using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>Firing alerts on the runs list (live) and in the run page's alert feed, in Chromium.</summary>
public sealed class AlertsOnPagesBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    private const string Run = "ui:alerts-run";

    private static object[] Generations(int count, bool success) =>
        Enumerable.Range(0, count).Select(_ => (object)(success
            ? new { type = "generation", duration = 0.8, success = true }
            : new { type = "generation", duration = 1.2, success = false, error = "timeout" })).ToArray();

    [Fact]
    public async Task FailedBurst_RunsListMarksRunLive_AndRunPageFeedShowsFiring()
    {
        (await Json.PostIngestAsync(Http, Run, Generations(1, true))).EnsureSuccessStatusCode();
        var overview = await Browser.OpenAsync(Factory.BaseAddress);
        await overview.Locator("[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        var row = overview.Locator($"tr:has(a[data-run='{Run}'])");
        await row.WaitForAsync();
        (await row.Locator(".badge-firing").CountAsync()).Should().Be(0);

        (await Json.PostIngestAsync(Http, Run, Generations(30, false))).EnsureSuccessStatusCode();

        var badge = row.Locator(".badge-firing");
        await badge.WaitForAsync(new() { Timeout = 15_000 });
        (await badge.InnerTextAsync()).Should().MatchRegex("^[0-9]+ firing$");
        (await badge.GetAttributeAsync("href")).Should().Be("/alerts?run=ui%3Aalerts-run&state=firing");
        var runPage = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/ui%3Aalerts-run?range=1h"));
        var firing = runPage.Locator("#alert-feed tr:has([data-rule=low_success_rate][data-state=firing])");
        await firing.WaitForAsync(new() { Timeout = 15_000 });
        (await firing.InnerTextAsync()).Should().Contain("80%");
        await Browser.ScreenshotAsync(runPage, "ui-run-alert-firing");
        await Browser.ScreenshotAsync(overview, "ui-overview-firing");
        Browser.Errors.Should().BeEmpty();
    }
}
