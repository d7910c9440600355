using System.Globalization;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Pages;

public sealed class ExploreBrowserTests : HostedTest
{
    private const string Xss = "<img src=x onerror=window.__xss=1>";

    private async Task PostRunsAsync()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-20);
        foreach (var run in new[] { "exp:a", "exp:b" })
        {
            var events = Enumerable.Range(0, 20).Select(i => (object)new
            {
                type = "generation", duration = 1 + i % 4, success = true, model_name = "m", metadata = new { variant = i % 2 == 0 ? "plain" : Xss },
                timestamp = t0.AddMinutes(i).ToString("O", CultureInfo.InvariantCulture),
            }).ToArray();
            using var response = await Json.PostIngestAsync(Http, run, events);
            response.EnsureSuccessStatusCode();
        }
    }

    private static Task ReadyAsync(IPage page) => page.Locator("#explore-controls[data-ready='1']").WaitForAsync(new() { Timeout = 15_000 });

    [Fact]
    public async Task Explore_ChooseRunsMetricsGroupAgg_UrlHoldsStateAndReloadsTheSameView()
    {
        await PostRunsAsync();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/exp%3Aa"));
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });
        (await page.Locator("#explore-link").GetAttributeAsync("href")).Should().StartWith("explore?run=exp%3Aa&");
        page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "explore?run=exp%3Aa"));
        await ReadyAsync(page);

        await page.SelectOptionAsync("#explore-runs", new[] { "exp:a", "exp:b" });
        await WaitFor.ConditionAsync(() => Task.FromResult(page.Url.Contains("run=exp%3Ab", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "runs in the URL; errors: " + string.Join(" | ", Browser.Errors) + " url " + page.Url);
        await page.Locator("#explore-metrics option[value='generation_time']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#explore-metrics", new[] { "generation_time", "success_rate" });
        await page.Locator(".explore-card[data-metric='success_rate']").WaitForAsync(new() { Timeout = 10_000 });
        await page.SelectOptionAsync("#explore-group", "variant");
        await page.Locator(".explore-card[data-metric='generation_time'][data-groups='2']").WaitForAsync(new() { Timeout = 10_000 });
        await page.SelectOptionAsync("#explore-agg", "p95");
        await WaitFor.ConditionAsync(() => Task.FromResult(page.Url.Contains("agg=p95", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "agg in the URL");
        await page.Locator(".explore-card[data-metric='generation_time'] .chart-host[data-rendered='1']").WaitForAsync(new() { Timeout = 10_000 });

        var url = page.Url;
        url.Should().Contain("metric=generation_time").And.Contain("metric=success_rate").And.Contain("group=variant").And.Contain("run=exp%3Aa");
        var legend = await page.Locator(".explore-card[data-metric='generation_time'] .apexcharts-legend").InnerTextAsync();
        legend.Should().Contain(Xss, "a hostile metadata value is a legend text, not markup");
        await Browser.ScreenshotAsync(page, "explore-1440");

        var again = await Browser.OpenAsync(new Uri(url));
        await ReadyAsync(again);
        (await again.Locator("#explore-controls").GetAttributeAsync("data-state")).Should().Be(await page.Locator("#explore-controls").GetAttributeAsync("data-state"));
        (await again.Locator(".explore-card").CountAsync()).Should().Be(2);
        (await again.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue();
        Browser.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData("range=1h")]
    [InlineData("from=2020-01-01T00%3A00%3A00Z&to=2100-01-01T00%3A00%3A00Z")]
    public async Task Explore_OpenedFromRunPage_ShowsThatRunsMetricsAndTheUrlRoundTrips(string range)
    {
        await PostRunsAsync();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/exp%3Aa?" + range));
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });

        await page.Locator("#explore-link").ClickAsync();
        await WaitFor.ConditionAsync(() => Task.FromResult(page.Url.Contains("/explore?", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "explorer opened: " + page.Url);
        await ReadyAsync(page);

        await page.Locator(".explore-card[data-metric='generation_time'] .chart-host[data-rendered='1']").WaitForAsync(new() { Timeout = 15_000 });
        (await page.Locator(".explore-card[data-metric='success_rate']").CountAsync()).Should().Be(1);
        (await page.Locator("#explore-runs option[value='exp:a']").GetAttributeAsync("selected")).Should().NotBeNull();
        var state = await page.Locator("#explore-controls").GetAttributeAsync("data-state");
        page.Url.Should().EndWith("/" + state, "the address is the view's own state");
        page.Url.Should().Contain(range.StartsWith("range=", StringComparison.Ordinal) ? range : "range=custom&" + range, "the run page's range carries over");
        var again = await Browser.OpenAsync(new Uri(page.Url));
        await ReadyAsync(again);
        (await again.Locator("#explore-controls").GetAttributeAsync("data-state")).Should().Be(state);
        (await again.Locator(".explore-card").CountAsync()).Should().Be(2);
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Explore_BadAggregationOrUnknownRun_SaysWhichField()
    {
        using var bad = await Http.GetAsync("/explore?run=exp%3Aa&metric=generation_time&agg=median");
        using var unknown = await Http.GetAsync("/explore?run=nope&metric=generation_time");

        bad.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("agg: agg must be mean, p95, count or sum.");
        unknown.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Explore_At420Px_NothingRunsOffScreen()
    {
        await PostRunsAsync();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "explore?run=exp%3Aa&metric=generation_time&group=run&agg=count&range=1h"), 420, 900);
        await ReadyAsync(page);
        await page.Locator(".explore-card .chart-host[data-rendered='1']").WaitForAsync(new() { Timeout = 15_000 });

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420);
        await Browser.ScreenshotAsync(page, "explore-420");
        Browser.Errors.Should().BeEmpty();
    }
}
