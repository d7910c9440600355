using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.RunsList;

/// <summary>The interactive runs list in Chromium: live rows, per-kind columns, sorting, filters, import, 420 px.</summary>
public sealed class RunsListBrowserTests : HostedTest
{
    private const string Xss = "<img src=x onerror=window.__xss=1>";

    private static ILocator Row(IPage page, string run) => page.Locator($"tr:has(a[data-run='{run}'])");

    private async Task PostAsync(string run, params object[] events)
    {
        using var response = await Json.PostIngestAsync(Http, run, events);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task RunsList_EventsForNewRuns_RowsAppearLiveWithTheirKindsColumns()
    {
        var page = await Browser.OpenAsync(Factory.BaseAddress);
        await page.Locator("[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await page.Locator("#first-event-curl").WaitForAsync();
        (await page.Locator("#first-event-curl").InnerTextAsync()).Should().Contain("/api/v1/ingest");

        await PostAsync("live:gen", new { type = "generation", duration = 1.0, success = true, model_name = "m" + Xss },
            new { type = "generation", duration = 2.0, success = false });
        await PostAsync("live:cls", new { type = "prediction", prediction = "pos", confidence = 0.9, processing_time = 0.1 });
        await PostAsync("live:pipe", new { type = "pipeline_execution", pipeline = "etl", execution_time = 2.0, success = false });

        await Row(page, "live:pipe").WaitForAsync(new() { Timeout = 10_000 });
        await Row(page, "live:gen").WaitForAsync();
        (await Row(page, "live:gen").InnerTextAsync()).Should().Contain("50%").And.Contain("generations");
        (await Row(page, "live:cls").InnerTextAsync()).Should().Contain("90%").And.Contain("predictions");
        (await Row(page, "live:pipe").InnerTextAsync()).Should().Contain("pipelines");
        (await page.Locator("svg.sparkline[data-total='2']").CountAsync()).Should().BeGreaterThan(0);

        await page.Locator("#kind-filter [data-kind='Pipelines']").ClickAsync();
        await WaitFor.ConditionAsync(async () => await page.Locator("tr:has(a[data-run])").CountAsync() == 1, TimeSpan.FromSeconds(5), "only the pipeline run");
        page.Url.Should().Contain("kind=pipelines");
        var headers = await page.Locator("th").AllInnerTextsAsync();
        headers.Should().Contain(h => h.Contains("Executions")).And.NotContain(h => h.Contains("Generations"));

        (await page.EvaluateAsync<bool>("() => window.__xss === 1")).Should().BeFalse();
        await Browser.ScreenshotAsync(page, "runs-list");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunsList_SortAndSearch_ServerSideOrderAndMatch()
    {
        for (var i = 0; i < 3; i++)
        {
            await PostAsync($"sort-{i}", Enumerable.Range(0, i + 1).Select(_ => (object)new { type = "generation", duration = 1.0, success = true }).ToArray());
        }
        var page = await Browser.OpenAsync(Factory.BaseAddress);
        await Row(page, "sort-2").WaitForAsync();
        // The rows are prerendered: a header click before the circuit starts would sort nothing.
        await page.Locator("[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        await page.Locator("th:has-text('Generations') .sort-direction-icon, th:has-text('Generations') .column-header").First.ClickAsync();
        await WaitFor.ConditionAsync(async () => (await page.Locator("a[data-run]").First.InnerTextAsync()) == "sort-0", TimeSpan.FromSeconds(5), "ascending by generations");
        await page.FillAsync("#run-search", "sort-1");
        await WaitFor.ConditionAsync(async () => await page.Locator("a[data-run]").CountAsync() == 1, TimeSpan.FromSeconds(5), "search narrows the list");

        (await page.Locator("a[data-run]").First.InnerTextAsync()).Should().Be("sort-1");
        page.Url.Should().Contain("q=sort-1");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunsList_MoreRunsThanAPage_PagerAndSearchReachEveryRun()
    {
        for (var i = 0; i < 30; i++)
        {
            await PostAsync($"paged-{i:00}", new { type = "generation", duration = 1.0, success = true });
        }
        var page = await Browser.OpenAsync(Factory.BaseAddress);
        await Row(page, "paged-29").WaitForAsync();

        (await page.Locator("a[data-run]").CountAsync()).Should().Be(25);
        (await page.Locator("#runs-total").GetAttributeAsync("data-total")).Should().Be("30");
        (await Row(page, "paged-00").CountAsync()).Should().Be(0, "the least recently active run is on the second page");
        await page.Locator(".mud-table-pagination-actions button[aria-label='Next page']").ClickAsync();
        await Row(page, "paged-00").WaitForAsync();
        (await page.Locator("a[data-run]").CountAsync()).Should().Be(5);
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunsList_ImportAfterimageFile_RunAppearsWithItsGenerations()
    {
        var page = await Browser.OpenAsync(Factory.BaseAddress);
        await page.Locator("[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await page.Locator("#import-open").ClickAsync();
        // InputFile listens for "change" only once its after-render interop ran (blazor.web.js sets this field then):
        // files set before that are dropped, as happened under load in CI. A person never picks a file that fast.
        await page.WaitForFunctionAsync("() => document.getElementById('import-file')?._blazorInputFileNextFileId !== undefined");

        await page.Locator("#import-file").SetInputFilesAsync(Fixtures.Path("afterimage-metrics.jsonl"));
        await page.Locator("#import-file-name").WaitForAsync();
        await page.FillAsync("#import-run", "afterimage:upload");
        await page.Locator("#import-run").BlurAsync();
        await page.Locator("#import-submit").ClickAsync();

        await page.Locator("#import-result").WaitForAsync(new() { Timeout = 15_000 });
        (await page.Locator("#import-result").InnerTextAsync()).Should().Contain("Imported").And.Contain("afterimage:upload");
        await Row(page, "afterimage:upload").WaitForAsync(new() { Timeout = 10_000 });
        var runs = await Json.GetAsync(Http, "/api/v1/runs?q=afterimage");
        runs[0].GetProperty("generation_count").GetInt64().Should().BeGreaterThan(200);
        await Browser.ScreenshotAsync(page, "runs-import");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunsList_Narrow420Dark_NothingRunsOffScreen()
    {
        await PostAsync("a-rather-long-run-name-that-must-wrap-on-a-phone-screen", new { type = "generation", duration = 1.0, success = true });
        var page = await Browser.OpenAsync(Factory.BaseAddress, 420, 900);
        await Row(page, "a-rather-long-run-name-that-must-wrap-on-a-phone-screen").WaitForAsync();
        await page.ClickAsync("#theme-toggle");

        var wide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right + (parseFloat(getComputedStyle(e).marginRight) || 0) > 420.5 || e.scrollWidth > 420)
              .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)} mr ${getComputedStyle(e).marginRight} sw ${e.scrollWidth}`).slice(0, 12)
            """);
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420, string.Join("; ", wide));
        (await page.Locator("#runs-table td.kind-empty").CountAsync()).Should().BeGreaterThan(0, "a generation run has no predictions or executions");
        (await page.Locator("#runs-table td.kind-empty").EvaluateAllAsync<string[]>("tds => tds.map(td => getComputedStyle(td).display)"))
            .Should().OnlyContain(d => d == "none", "a stacked card lists only the kinds the run has");
        await Browser.ScreenshotAsync(page, "runs-list-420-dark");
        Browser.Errors.Should().BeEmpty();
    }
}
