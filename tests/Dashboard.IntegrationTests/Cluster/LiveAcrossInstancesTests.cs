using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>Two real hosts on real ports, one store, joined by one PostgreSQL: what one commits shows live on the other.</summary>
public sealed class LiveAcrossInstancesTests : IAsyncLifetime
{
    private ClusterDatabase? _postgres;
    private DashboardFactory? _a;
    private DashboardFactory? _b;

    public async Task InitializeAsync()
    {
        if (TestPostgres.Server is null)
        {
            return;
        }
        _postgres = ClusterDatabase.Create();
        _a = new DashboardFactory(settings: ClusterInstances.Settings(_postgres, "a"));
        _b = new DashboardFactory(_a.DatabasePath, ClusterInstances.Settings(_postgres, "b"));
        await ClusterInstances.WaitListeningAsync(_a, _b);
    }

    [PostgresFact]
    public async Task PostToA_HubClientOnB_ReceivesMetricsAppended()
    {
        await using var hub = await HubTestClient.ConnectAsync(_b!.BaseAddress);
        await hub.InvokeAsync("SubscribeRun", "cross-run");
        await hub.InvokeAsync("SubscribeOverview");
        using var http = _a!.CreateHttpClient();

        (await Json.PostIngestAsync(http, "cross-run",
            new { type = "generation", duration = 1.5, success = true, model_name = "m1", total_token_count = 30 },
            new { type = "generation", duration = 2.5, success = false, model_name = "m1", total_token_count = 50 },
            new { type = "log", level = "warning", message = "slow judge" })).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Appended(hub).Sum(m => m.GetProperty("events").GetInt32()) == 3
            && hub.ArgumentsOf("LogsAppended").Any() && hub.ArgumentsOf("RunsChanged").Any(),
            TimeSpan.FromSeconds(10), "B pushes what A committed");
        var generationTime = Appended(hub).SelectMany(m => m.GetProperty("metrics").EnumerateArray())
            .Where(m => m.GetProperty("name").GetString() == "generation_time").ToList();
        generationTime.Sum(m => m.GetProperty("count").GetInt64()).Should().Be(2);
        generationTime.Sum(m => m.GetProperty("sum").GetDouble()).Should().Be(4.0);
        generationTime.Min(m => m.GetProperty("min").GetDouble()).Should().Be(1.5);
        generationTime.Max(m => m.GetProperty("max").GetDouble()).Should().Be(2.5);
        hub.ArgumentsOf("LogsAppended").Single()[0].GetProperty("logs")[0].GetProperty("message").GetString().Should().Be("slow judge");
        var change = hub.ArgumentsOf("RunsChanged").SelectMany(a => a[0].GetProperty("runs").EnumerateArray())
            .Single(r => r.GetProperty("run").GetString() == "cross-run");
        change.GetProperty("created").GetBoolean().Should().BeTrue();
        change.GetProperty("tokens").GetDouble().Should().Be(80);
    }

    [PostgresFact]
    public async Task PostToA_PageFeedOnB_ReceivesTheRunMarkedFromPeer()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<Dashboard.Core.CommittedRun>();
        using var subscription = _b!.Services.GetRequiredService<Dashboard.Live.PageFeed>().Subscribe("feed-run", received.Enqueue);
        using var http = _a!.CreateHttpClient();

        (await Json.PostIngestAsync(http, "feed-run", new { type = "metric", name = "loss", value = 0.25 })).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(10), "B's in-process page feed hears A's commit");
        var run = received.Single();
        run.FromPeer.Should().BeTrue();
        run.Events.Should().Be(1);
        run.Metrics["loss"].Sum.Should().Be(0.25);
    }

    [PostgresFact]
    public async Task PostToA_OverviewPageOnB_ShowsTheNewRunLive()
    {
        await using var browser = new Browser();
        var page = await browser.OpenAsync(_b!.BaseAddress);
        await page.Locator("#connection-badge[data-state='live']").WaitForAsync();
        using var http = _a!.CreateHttpClient();

        (await Json.PostIngestAsync(http, "seen-on-b",
            new { type = "generation", duration = 1.0, success = true },
            new { type = "generation", duration = 1.0, success = false })).EnsureSuccessStatusCode();

        var row = page.Locator("tr:has(a[data-run='seen-on-b'])");
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        (await row.TextContentAsync()).Should().MatchRegex(@"50(\.0)?\s?%").And.Contain("live");
        await Browser.ScreenshotAsync(page, "cluster-overview-on-b");
        browser.Errors.Should().BeEmpty();
    }

    [PostgresFact]
    public async Task PostToA_RunPageOnB_ShowsNewLogLinesLive()
    {
        using var http = _a!.CreateHttpClient();
        (await Json.PostIngestAsync(http, "page-run", new { type = "generation", duration = 1.0, success = true })).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.OpenAsync(new Uri(_b!.BaseAddress, "runs/page-run?range=1h"));
        await page.Locator("#connection-badge[data-state='live']").WaitForAsync();

        (await Json.PostIngestAsync(http, "page-run", new { type = "log", level = "error", message = "judge timed out on A" })).EnsureSuccessStatusCode();

        await page.Locator("#logs-body td.wrap", new() { HasText = "judge timed out on A" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await Browser.ScreenshotAsync(page, "cluster-run-page-on-b");
        browser.Errors.Should().BeEmpty();
    }

    [PostgresFact]
    public async Task PostToB_IsNotEchoedBackToB()
    {
        await using var hub = await HubTestClient.ConnectAsync(_b!.BaseAddress);
        await hub.InvokeAsync("SubscribeRun", "echo-run");
        await using var hubA = await HubTestClient.ConnectAsync(_a!.BaseAddress);
        await hubA.InvokeAsync("SubscribeRun", "echo-run");
        using var http = _b.CreateHttpClient();

        (await Json.PostIngestAsync(http, "echo-run", new { type = "metric", name = "m", value = 1 })).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => Appended(hubA).Any(), TimeSpan.FromSeconds(10), "A hears of B's commit");
        // A second commit on B after A has relayed the first: if B heard its own relay, it would count 3 events.
        (await Json.PostIngestAsync(http, "echo-run", new { type = "metric", name = "m", value = 2 })).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => Appended(hubA).Sum(m => m.GetProperty("events").GetInt32()) == 2, TimeSpan.FromSeconds(10), "A hears both");

        // B pushes its own commits on its push interval: wait for both, then an echo would show as more than 2.
        await WaitFor.ConditionAsync(() => Appended(hub).Sum(m => m.GetProperty("events").GetInt32()) >= 2, TimeSpan.FromSeconds(10), "B pushes both");
        Appended(hub).Sum(m => m.GetProperty("events").GetInt32()).Should().Be(2, "each commit is pushed once on the instance that made it");
    }

    private static List<JsonElement> Appended(HubTestClient hub) => hub.ArgumentsOf("MetricsAppended").Select(a => a[0]).ToList();

    public async Task DisposeAsync()
    {
        foreach (var factory in new[] { _a, _b })
        {
            if (factory is not null)
            {
                await factory.DisposeAsync();
            }
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
