using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.IntegrationTests.Predictions;

public sealed class PredictionsPageBrowserTests
{
    private const string Xss = "<img src=x onerror=alert(1)>";
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 15_000 };

    private static object Prediction(string label, double confidence) =>
        new { type = "prediction", prediction = label, confidence, processing_time = 0.2 };

    private static ILocator Stat(IPage page, string key) => page.Locator($"[data-stat='{key}'] .stat-value");

    /// <summary>
    /// Waits for the chart's series; if they never come, fails saying what the host held (its data attributes, the chart
    /// state the interop keeps on it, and the start of its markup), so an intermittent failure under load tells its cause.
    /// </summary>
    private static async Task ChartDrawnAsync(IPage page, string host)
    {
        try
        {
            await page.Locator(host + " .apexcharts-series").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>($$"""
                () => { const h = document.querySelector('{{host}}'); if (!h) return 'no host';
                  const a = h._apex; return JSON.stringify({ data: { ...h.dataset, options: undefined }, connected: h.isConnected,
                    apex: a ? { early: a.early, pending: !!a.pending, chart: !!a.chart, chartConnected: a.chart?.el?.isConnected, chartChildren: a.chart?.el?.childElementCount } : null,
                    html: h.outerHTML.slice(0, 600) }); }
                """);
            throw new TimeoutException($"{host} never drew its series; its state: {state}");
        }
    }

    [Fact]
    public async Task PredictionsPage_NewEvents_UpdateWithoutReloadAndLabelsStayText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "live-clf", Prediction(Xss, 0.95))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/predictions?run=live-clf&window=1h");
        await page.Locator("#predictions-page[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await Expect(Stat(page, "predictions")).ToHaveTextAsync("1");
        await ChartDrawnAsync(page, "#chart-rate");
        await page.EvaluateAsync("() => window.__notReloaded = true");
        (await Json.PostIngestAsync(http, "live-clf", Prediction("positive", 0.4), Prediction("positive", 0.55),
            new { type = "prediction_error", error_type = "Timeout" })).EnsureSuccessStatusCode();

        await Expect(Stat(page, "predictions")).ToHaveTextAsync("3", Wait);
        await Expect(Stat(page, "errors")).ToHaveTextAsync("1", Wait);
        await Expect(Stat(page, "error-rate")).ToHaveTextAsync("25%", Wait);
        await Expect(page.Locator("[data-field=indicators] li")).ToHaveTextAsync("66.7% of predictions below 0.6 confidence", Wait);
        (await page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue();
        await Expect(page.Locator("[data-field=labels] .label-name").Filter(new() { HasText = "onerror" })).ToHaveTextAsync(Xss);
        (await page.Locator("#hours-card").CountAsync()).Should().Be(0, "hour of day means nothing within one hour");
        (await page.Locator("[data-field=p95]").CountAsync()).Should().Be(1, "percentiles are shown once");
        await Browser.ScreenshotAsync(page, "predictions-live");

        (await page.Locator("main img").CountAsync()).Should().Be(0);
        browser.Dialogs.Should().BeEmpty();
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_NoPredictions_ShowsCurlThenFillsOnFirstPrediction()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/predictions");
        await Expect(page.Locator("#predictions-empty")).ToContainTextAsync("curl -X POST");
        await page.Locator("#predictions-page[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await Browser.ScreenshotAsync(page, "predictions-empty");
        (await Json.PostIngestAsync(http, "first", Prediction("a", 0.9))).EnsureSuccessStatusCode();

        await Expect(Stat(page, "predictions")).ToHaveTextAsync("1", Wait);
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_RangeOverADay_ShowsHourOfDay_Narrow420FitsTheScreen()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var events = Enumerable.Range(0, 30).Select(i => (object)new
        {
            type = "prediction", prediction = "label-" + (i % 7) + "-with-a-long-name", confidence = 0.5 + i % 5 / 10.0, processing_time = 0.1,
            timestamp = DateTimeOffset.UtcNow.AddHours(-40 + i).ToString("O"),
        }).ToArray();
        (await Json.PostIngestAsync(http, "two-days", events)).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 420, 1200);

        await page.GotoAsync("/predictions?run=two-days&window=7d");
        await page.Locator("#hours-card").WaitForAsync();

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420);
        await Browser.ScreenshotAsync(page, "predictions-420");
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_PostsWhileOpen_FoldedFiguresEqualAFreshLoad()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var labels = new[] { "cat", "dog", "bird" };
        object Event(int i) => i % 7 == 6
            ? new { type = "prediction_error", error_type = "Timeout" }
            : i % 2 == 0
                ? new { type = "prediction", prediction = labels[i % 3], confidence = 0.35 + i % 6 / 10.0 }
                : (object)new { type = "prediction", prediction = labels[i % 3], confidence = 0.35 + i % 6 / 10.0, processing_time = 0.01 * (i % 9) };
        (await Json.PostIngestAsync(http, "fold-clf", [.. Enumerable.Range(0, 20).Select(Event)])).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var live = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);
        await live.GotoAsync("/predictions?run=fold-clf&window=all");
        await live.Locator("#predictions-page[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // Batches posted back to back while the page folds: some land during its reads, none may count twice.
        for (var b = 1; b <= 6; b++)
        {
            (await Json.PostIngestAsync(http, "fold-clf", [.. Enumerable.Range(b * 20, 20).Select(Event)])).EnsureSuccessStatusCode();
        }
        var predictions = Enumerable.Range(0, 140).Count(i => i % 7 != 6);
        await Expect(Stat(live, "predictions")).ToHaveTextAsync(predictions.ToString(System.Globalization.CultureInfo.InvariantCulture), Wait);
        await Expect(Stat(live, "errors")).ToHaveTextAsync("20", Wait);
        var fresh = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);
        await fresh.GotoAsync("/predictions?run=fold-clf&window=all");
        await fresh.Locator("#predictions-page[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        foreach (var key in new[] { "predictions", "per-minute", "average-confidence", "errors", "error-rate" })
        {
            await Expect(Stat(live, key)).ToHaveTextAsync(await Stat(fresh, key).InnerTextAsync(), Wait);
        }
        await Expect(live.Locator("[data-field=labels] .label-bar")).ToHaveTextAsync(
            [.. await fresh.Locator("[data-field=labels] .label-bar").AllInnerTextsAsync()], new() { Timeout = 15_000 });
        foreach (var field in new[] { "processing-count", "p50", "p95" })
        {
            // Percentiles are the one part read again (at most every 5 s) rather than folded.
            await Expect(live.Locator($"[data-field={field}]")).ToHaveTextAsync(await fresh.Locator($"[data-field={field}]").InnerTextAsync(), Wait);
        }
        await Expect(live.Locator("[data-field=indicators]")).ToHaveTextAsync(await fresh.Locator("[data-field=indicators]").InnerTextAsync(), Wait);
        await Browser.ScreenshotAsync(live, "predictions-folded");
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_PostsToListedRuns_PickerCountsMoveLive()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "other-clf", Prediction("a", 0.9))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "picked-clf", Prediction("a", 0.9))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1200);
        await page.GotoAsync("/predictions?run=picked-clf&window=all");
        await page.Locator("#predictions-page[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var picker = page.Locator("#predictions-page .toolbar .mud-select").First;
        await Expect(picker).ToContainTextAsync("picked-clf (1 prediction)", new() { Timeout = 15_000 });

        (await Json.PostIngestAsync(http, "picked-clf", Prediction("a", 0.8), Prediction("b", 0.7))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "other-clf", Prediction("a", 0.6))).EnsureSuccessStatusCode();

        await Expect(picker).ToContainTextAsync("picked-clf (3 predictions)", new() { Timeout = 15_000 });
        await picker.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "other-clf" })).ToHaveTextAsync("other-clf (2 predictions)", Wait);
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_ShortRunInADay_RateChartDrawsBarsNotHairlines()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        // A 15-minute run (one prediction a minute) shown in the last 24 hours, as in the screenshots.
        var events = Enumerable.Range(0, 15).Select(i => (object)new
        {
            type = "prediction", prediction = "a", confidence = 0.9, processing_time = 0.1,
            timestamp = DateTimeOffset.UtcNow.AddMinutes(-15 + i).ToString("O"),
        }).ToArray();
        (await Json.PostIngestAsync(http, "short-clf", events)).EnsureSuccessStatusCode();
        await using var browser = new Browser();

        foreach (var width in new[] { 1440, 420 })
        {
            var page = await browser.NewPageAsync(factory.BaseAddress, width, 1200);
            await page.GotoAsync("/predictions?run=short-clf&window=24h");
            // Widths are read in one evaluation, once the bars have their geometry: bars exist before it, and the chart
            // drawn from the prerendered page is redrawn when the circuit's options differ (CI read every width 0 twice).
            var drawn = await page.WaitForFunctionAsync("""
                () => { const w = [...document.querySelectorAll('#chart-rate .apexcharts-bar-area')].map(e => e.getBBox().width).filter(w => w > 0);
                  return w.length > 0 ? w : null; }
                """, null, new() { Timeout = 15_000, PollingInterval = 50 });
            var widths = await drawn.JsonValueAsync<double[]>();
            widths.Should().NotBeEmpty();
            widths.Min().Should().BeGreaterThanOrEqualTo(3, $"at {width} px a bucket is a bar, not a hairline ({string.Join(", ", widths.Select(w => w.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))})");
            await page.CloseAsync();
        }
        browser.Errors.Should().BeEmpty();
    }
}
