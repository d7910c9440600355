using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Live;
using Dashboard.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Pages;

/// <summary>Two run pages on one run in Chromium share one live fold; closing them stops it and lets go of the feed.</summary>
public sealed class RunPageSharedFoldBrowserTests : HostedTest
{
    private static object[] Generations(int count) =>
        Enumerable.Range(0, count).Select(_ => (object)new { type = "generation", duration = 0.8, success = true, model_name = "m" }).ToArray();

    private async Task PostAsync(int count)
    {
        using var response = await Json.PostIngestAsync(Http, "shared-fold", Generations(count));
        response.EnsureSuccessStatusCode();
    }

    private static Task LiveAsync(IPage page) => page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 30_000 });

    private static async Task<string?> GenerationsShownAsync(IPage page) =>
        (await page.Locator("[data-stat='generations'] .stat-value").TextContentAsync())?.Trim();

    [Fact]
    public async Task RunPage_TwoPagesOnOneRun_OneFoldBothUpdateAndClosingBothStopsIt()
    {
        await PostAsync(3);
        var folds = Factory.Services.GetRequiredService<RunLiveFolds>();
        var feed = Factory.Services.GetRequiredService<PageFeed>();
        var subscriptionsBefore = feed.Count;

        var first = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/shared-fold"));
        await LiveAsync(first);
        var second = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/shared-fold"));
        await LiveAsync(second);

        folds.Open.Should().ContainSingle("two pages on the same run and range share one fold")
            .Which.Pages.Should().Be(2);

        await PostAsync(4);
        foreach (var page in new[] { first, second })
        {
            await WaitFor.ConditionAsync(async () => await GenerationsShownAsync(page) == "7", TimeSpan.FromSeconds(30), "both pages show the new generations");
        }
        var fold = folds.Open.Single();
        fold.FoldedPoints.Should().BeGreaterThan(0);

        // Leaving the page fires Blazor's disconnect beacon, so the server closes the circuit at once.
        await first.GotoAsync("about:blank");
        await WaitFor.ConditionAsync(() => fold.Pages == 1, TimeSpan.FromSeconds(30), "the first page leaves the fold");
        folds.Open.Should().ContainSingle();
        await second.GotoAsync("about:blank");
        await WaitFor.ConditionAsync(() => folds.Open.Count == 0, TimeSpan.FromSeconds(30), "the last page stops the fold");

        // The circuit disposes the page's other live parts (the cost section's subscription) beside the run page's fold.
        await WaitFor.ConditionAsync(() => feed.Count <= subscriptionsBefore, TimeSpan.FromSeconds(30), "the closed pages hold no subscription to the feed");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunPage_ConnectionDropsWithoutClose_LeavesTheFoldAndFollowsAgainWhenBack()
    {
        await PostAsync(3);
        var folds = Factory.Services.GetRequiredService<RunLiveFolds>();
        // The circuit's WebSocket goes through the test, which cuts it as a dropped network would (no beacon, no close);
        // Blazor's client then reconnects to the same circuit on a new socket.
        var sockets = new List<IWebSocketRoute>();
        var page = await Browser.NewPageAsync();
        await page.RouteWebSocketAsync(url => url.Contains("/_blazor", StringComparison.Ordinal), ws =>
        {
            ws.ConnectToServer();
            lock (sockets)
            {
                sockets.Add(ws);
            }
        });
        await page.GotoAsync(new Uri(Factory.BaseAddress, "runs/shared-fold").ToString());
        await LiveAsync(page);
        await WaitFor.ConditionAsync(() => folds.Open.Count == 1, TimeSpan.FromSeconds(30), "the page follows the run");
        var before = folds.Open.Single();

        List<IWebSocketRoute> open;
        lock (sockets)
        {
            open = [.. sockets];
        }
        foreach (var ws in open)
        {
            await ws.CloseAsync();
        }

        await WaitFor.ConditionAsync(() => folds.Open.Count == 1 && !ReferenceEquals(folds.Open[0], before), TimeSpan.FromSeconds(60),
            "the page left its fold when the connection dropped (it was the fold's only page, so the fold stopped) and follows a new one once back");
        before.Pages.Should().Be(0);
        await PostAsync(4);
        // No check of Browser.Errors here: blazor.web.js logs the cut connection as an error, which is this test's doing.
        await WaitFor.ConditionAsync(async () => await GenerationsShownAsync(page) == "7", TimeSpan.FromSeconds(30), "live again");
    }
}
