using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.IntegrationTests.Pipelines;

public sealed class PipelinesPageBrowserTests
{
    private const string Xss = "<img src=x onerror=alert(1)>";
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 15_000 };

    private static object Execution(string pipeline, double time, bool success, string? error = null) =>
        error is null
            ? new { type = "pipeline_execution", pipeline, execution_time = time, success }
            : new { type = "pipeline_execution", pipeline, execution_time = time, success, metadata = new { error } };

    [Fact]
    public async Task PipelinesPage_NewExecutions_UpdateWithoutReload_FailuresShowTheirMetadataAsText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "pipes", Execution(Xss, 2, true), Execution("etl", 4, true))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/pipelines?window=1h");
        await page.Locator("#pipelines-page[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await Expect(page.Locator("[data-field=overall]")).ToHaveTextAsync("healthy");
        await page.Locator("#chart-timeline .apexcharts-series").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.EvaluateAsync("() => window.__notReloaded = true");
        (await Json.PostIngestAsync(http, "pipes", Execution("etl", 6, false, "disk full " + Xss), Execution("etl", 8, false))).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-field=overall]")).ToHaveTextAsync("critical", Wait);
        var etl = page.Locator("[data-field=pipelines] .stack-row[data-pipeline='etl']");
        await Expect(etl.Locator("[data-field=last-status]")).ToHaveTextAsync("failed", Wait);
        await Expect(etl).ToContainTextAsync("66.7%", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=failures] .failure")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=failures] .meta-value").First).ToHaveTextAsync("disk full " + Xss);
        (await page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue();
        await Expect(page.Locator("[data-field=pipelines] .stack-row").Filter(new() { HasText = "onerror" }).Locator("strong")).ToHaveTextAsync(Xss);
        await Browser.ScreenshotAsync(page, "pipelines-live");

        (await page.Locator("main img").CountAsync()).Should().Be(0);
        browser.Dialogs.Should().BeEmpty();
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PipelinesPage_RangeAll_TimelineStartsAtTheFirstExecutionsMinuteNotItsDay()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var first = DateTimeOffset.UtcNow.AddMinutes(-20);
        object At(DateTimeOffset t) => new { type = "pipeline_execution", pipeline = "etl", execution_time = 2, success = true, timestamp = t.ToString("O") };
        (await Json.PostIngestAsync(http, "pipes-all", At(first), At(first.AddMinutes(5)), At(first.AddMinutes(15)))).EnsureSuccessStatusCode();

        var html = await http.GetStringAsync("/pipelines?window=all");

        var from = System.Text.RegularExpressions.Regex.Match(html, "id=\"chart-timeline\"[^>]*data-from=\"([0-9.]+)\"");
        from.Success.Should().BeTrue("the prerendered timeline carries its span");
        var fromMs = double.Parse(from.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        fromMs.Should().BeInRange(first.ToUnixTimeMilliseconds() - 60_000, first.ToUnixTimeMilliseconds(),
            "\"all\" frames the executions from the minute of the first one (it started at that day's midnight)");
    }

    // Every table cell of the page but p95 (re-read, not folded), and the failures, as text.
    private const string TablesText = """
        () => [...document.querySelectorAll('[data-field=pipelines] .stack-row[data-pipeline] .cell, [data-field=failures] .failure .cell')]
            .filter(c => !c.querySelector('[data-field=p95]')).map(c => c.innerText.trim()).join(' | ')
        """;

    [Fact]
    public async Task PipelinesPage_LiveExecutions_FoldedTablesEqualAFreshLoad()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        object At(string pipeline, double time, bool success, int minute, string? error = null) => new
        {
            type = "pipeline_execution", pipeline, execution_time = time, success, timestamp = t0.AddMinutes(minute).ToString("O"),
            metadata = new { error = error ?? "", attempt = minute },
        };
        (await Json.PostIngestAsync(http, "pipes-a", At("etl", 2, true, 0), At("embed", 3, false, 1, "oom"), At("etl", 4, true, 2))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);
        await page.GotoAsync("/pipelines?window=all");
        await page.Locator("#pipelines-page[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        (await Json.PostIngestAsync(http, "pipes-a", At("etl", 6, false, 3, "disk full"), At("rerank", 1.5, true, 4))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "pipes-b", At("embed", 5, true, 5), At("rerank", 9, false, 6, "timeout"))).EnsureSuccessStatusCode();
        await Expect(page.Locator("[data-field=failures] .failure")).ToHaveCountAsync(3, new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=pipelines] .stack-row[data-pipeline='rerank']")).ToContainTextAsync("50%", new() { Timeout = 15_000 });
        var live = await page.EvaluateAsync<string>(TablesText);

        var fresh = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);
        await fresh.GotoAsync("/pipelines?window=all");
        await fresh.Locator("[data-field=failures] .failure").Nth(2).WaitForAsync();

        live.Should().Be(await fresh.EvaluateAsync<string>(TablesText));
        live.Should().Contain("pipes-b").And.Contain("timeout").And.Contain("disk full");
        int.Parse(await page.Locator("#pipelines-page").GetAttributeAsync("data-folds") ?? "0").Should().BeGreaterThan(0);
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PipelinesPage_Narrow420_StackedCardsFitTheScreen()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "pipes", Execution("a-pipeline-with-a-rather-long-name", 2, false, "connection reset by peer while copying"))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 420, 1200);

        await page.GotoAsync("/pipelines");
        await page.Locator("[data-field=failures] .failure").WaitForAsync();

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420);
        await Browser.ScreenshotAsync(page, "pipelines-420");
        browser.Errors.Should().BeEmpty();
    }
}
