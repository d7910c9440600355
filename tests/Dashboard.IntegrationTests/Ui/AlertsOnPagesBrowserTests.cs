using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>The alert feed on the run page and the firing badge on the runs overview, live in Chromium.</summary>
public sealed class AlertsOnPagesBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    private const string Run = "ui:alerts-run";

    private static object[] Generations(int count, bool success) =>
        Enumerable.Range(0, count).Select(_ => (object)(success
            ? new { type = "generation", duration = 0.8, success = true }
            : new { type = "generation", duration = 1.2, success = false, error = "timeout" })).ToArray();

    [Fact]
    public async Task FailedBurst_RunPageFeedShowsFiringLive_AndOverviewMarksRun()
    {
        (await Json.PostIngestAsync(Http, Run, Generations(1, true))).EnsureSuccessStatusCode();
        var runPage = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/ui%3Aalerts-run?range=1h"));
        await runPage.Locator("#connection-badge[data-state='live']").WaitForAsync();
        var sockets = 0;
        runPage.WebSocket += (_, _) => Interlocked.Increment(ref sockets);
        await runPage.ReloadAsync();
        await runPage.Locator("#connection-badge[data-state='live']").WaitForAsync();
        await runPage.Locator("#alert-feed .alert-empty").WaitForAsync();
        var overview = await Browser.OpenAsync(Factory.BaseAddress);
        await overview.Locator("#connection-badge[data-state='live']").WaitForAsync();
        (await overview.Locator($"tr[data-run='{Run}'] .badge-firing").CountAsync()).Should().Be(0);

        // 25: the rules stay inactive below 20 generations (min_samples).
        (await Json.PostIngestAsync(Http, Run, Generations(25, false))).EnsureSuccessStatusCode();

        var firing = runPage.Locator("#alert-feed tr[data-rule=low_success_rate][data-state=firing]");
        await firing.WaitForAsync(new() { Timeout = 15_000 });
        (await firing.InnerTextAsync()).Should().Contain("below 0.8");
        (await runPage.Locator("#alert-feed .alert-empty").IsHiddenAsync()).Should().BeTrue();
        var badge = overview.Locator($"tr[data-run='{Run}'] .badge-firing");
        await badge.WaitForAsync(new() { Timeout = 15_000 });
        (await badge.InnerTextAsync()).Should().MatchRegex("^[0-9]+ firing$");
        (await badge.GetAttributeAsync("href")).Should().Be("runs/ui%3Aalerts-run#alerts-card");
        sockets.Should().Be(1, "the run page's charts and its alert feed share one hub connection");
        await Browser.ScreenshotAsync(runPage, "ui-run-alert-firing");
        await Browser.ScreenshotAsync(overview, "ui-overview-firing");
        Browser.Errors.Should().BeEmpty();
    }
}
