using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>
/// The runs, alerts, settings, predictions and pipelines pages at 1440 and 420 px, light and dark, over a generation,
/// a classifier, a pipeline and the imported afterimage run, with no console errors. The screenshots land in
/// bin/screenshots (docs/screenshots holds the copies someone looked at). They run in the SQLite pass only (the test
/// command filters the trait out of the PostgreSQL pass): they look, and the pages' browser tests run on both providers.
/// </summary>
[Trait("Pass", "SqliteOnly")]
public sealed class PageScreenshotTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1", ["DetailedErrors"] = "true" })
{
    protected override async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var generations = Enumerable.Range(0, 40).Select(i => (object)new
        {
            type = "generation", duration = 0.5 + i % 7 * 0.4, success = i % 5 != 0, model_name = i % 2 == 0 ? "gpt-4o-mini" : "llama-3.1-8b",
            prompt_token_count = 100 + i, completion_token_count = 30 + i, timestamp = now.AddMinutes(-40 + i).ToString("O"),
        }).ToArray();
        (await Json.PostIngestAsync(Http, "chat-eval", generations)).EnsureSuccessStatusCode();
        var predictions = Enumerable.Range(0, 60).Select(i => (object)(i % 12 == 0
            ? new { type = "prediction_error", error_type = "Timeout", error_message = "took over 10 s", timestamp = now.AddMinutes(-60 + i).ToString("O") }
            : new { type = "prediction", prediction = new[] { "positive", "negative", "neutral" }[i % 3], confidence = 0.45 + i % 10 * 0.05,
                processing_time = 0.05 + i % 4 * 0.02, timestamp = now.AddMinutes(-60 + i).ToString("O") })).ToArray();
        (await Json.PostIngestAsync(Http, "sentiment-clf", predictions)).EnsureSuccessStatusCode();
        var executions = Enumerable.Range(0, 30).Select(i => (object)(i % 6 == 5
            ? new { type = "pipeline_execution", pipeline = i % 2 == 0 ? "ingest-documents" : "embed-chunks", execution_time = 8.0 + i % 3, success = false,
                timestamp = now.AddMinutes(-30 + i).ToString("O"), metadata = new { error = "connection reset by peer", attempt = 3 } }
            : new { type = "pipeline_execution", pipeline = i % 2 == 0 ? "ingest-documents" : "embed-chunks", execution_time = 2.0 + i % 5 * 0.5, success = true,
                timestamp = now.AddMinutes(-30 + i).ToString("O"), metadata = new { error = "", attempt = 1 } })).ToArray();
        (await Json.PostIngestAsync(Http, "nightly-etl", executions)).EnsureSuccessStatusCode();
        using var body = new StreamContent(File.OpenRead(Fixtures.Path("afterimage-metrics.jsonl")));
        body.Headers.ContentType = new("application/x-ndjson");
        (await Http.PostAsync("/api/v1/runs/afterimage:fixture/import", body)).EnsureSuccessStatusCode();
        var failures = Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.2, success = false }).ToArray();
        (await Json.PostIngestAsync(Http, "chat-eval", failures)).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData(1440, false)]
    [InlineData(1440, true)]
    [InlineData(420, false)]
    [InlineData(420, true)]
    public async Task Pages_EachWidthAndTheme_RenderWithoutErrorsOrOverflow(int width, bool dark)
    {
        var page = await Browser.NewPageAsync(Factory.BaseAddress, width, 1000);
        await page.GotoAsync("/");
        await page.Locator("[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        if (dark)
        {
            await page.ClickAsync("#theme-toggle");
            await page.Locator("#theme-toggle[data-theme-now='dark']").WaitForAsync();
        }
        var theme = dark ? "dark" : "light";
        foreach (var (path, name, ready) in new[]
        {
            ("/", "runs", "a[data-run='nightly-etl']"),
            ("/?kind=predictions", "runs-predictions", "a[data-run='sentiment-clf']"),
            ("/alerts", "alerts", "#alert-feed [data-state='firing']"),
            ("/settings", "settings", "#settings-root[data-live='on']"),
            ("/predictions?run=sentiment-clf&window=24h", "predictions", "#chart-rate .apexcharts-series"),
            ("/pipelines?window=24h", "pipelines", "[data-field=failures] .failure"),
            ("/settings/keys", "keys", "#create-key"),
        })
        {
            await page.GotoAsync(path);
            // The interactive page, not its prerender (CI once took the shots before the circuit was up).
            await page.Locator("#connection-badge[data-state='live']").WaitForAsync(new() { Timeout = 20_000 });
            await page.Locator(ready).First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(width, $"{name} fits {width} px");
            await Infrastructure.Browser.ScreenshotAsync(page, $"{name}-{width}-{theme}");
        }
        Browser.Errors.Should().BeEmpty();
    }

    /// <summary>
    /// The run page of each kind of run (generation, classifier, pipeline, imported afterimage file) and the explorer
    /// opened from it. Waits for every chart on the page to be drawn, so the screenshot shows what a user sees.
    /// </summary>
    [Theory]
    [InlineData(1440, false)]
    [InlineData(1440, true)]
    [InlineData(420, false)]
    [InlineData(420, true)]
    public async Task RunPages_EachKindWidthAndTheme_RenderWithoutErrorsOrOverflow(int width, bool dark)
    {
        var page = await OpenInThemeAsync(width, dark);
        var theme = dark ? "dark" : "light";
        foreach (var (run, name, kind) in new[]
        {
            ("chat-eval", "run-generation", "generations"),
            ("sentiment-clf", "run-classifier", "predictions"),
            ("nightly-etl", "run-pipeline", "pipelines"),
            ("afterimage%3Afixture", "run-fixture", "evaluations"),
        })
        {
            await page.GotoAsync("/runs/" + run);
            await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 20_000 });
            await page.Locator($"#run-kinds [data-kind='{kind}']").WaitForAsync(new() { Timeout = 20_000 });
            (await page.EvaluateAsync<string>("() => { const h = document.querySelector('h1'); h.tabIndex = -1; h.focus(); return getComputedStyle(h).outlineStyle; }")).Should().Be("none",
                "the heading focused after navigation (FocusOnNavigate) draws no focus box");
            (await page.Locator("[data-stat='generations']").CountAsync()).Should().Be(kind is "generations" or "evaluations" ? 1 : 0,
                $"{name}: generation figures only where there are generations");
            await WaitFor.ConditionAsync(async () => await page.Locator(".chart-host:not([data-rendered='1'])").CountAsync() == 0,
                TimeSpan.FromSeconds(20), $"every chart of {name} drawn");
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(width, $"{name} fits {width} px");
            await Infrastructure.Browser.ScreenshotAsync(page, $"{name}-{width}-{theme}");
        }
        Browser.Errors.Should().BeEmpty();
    }

    // Its own page (a fresh circuit), not the fifth navigation of the test above: under the full suite's load that
    // step timed out twice in CI while it passed alone; the messages now carry the browser's errors.
    [Theory]
    [InlineData(1440, false)]
    [InlineData(420, true)]
    public async Task Explorer_OpenedFromTheFixtureRunPage_DrawsItsChartsWithinTheWidth(int width, bool dark)
    {
        var page = await OpenInThemeAsync(width, dark);
        var theme = dark ? "dark" : "light";
        await page.GotoAsync("/runs/afterimage%3Afixture");
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("#explore-link").ClickAsync();
        try
        {
            await page.Locator("#explore-controls[data-ready='1'] ").WaitForAsync(new() { Timeout = 60_000 });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} At {page.Url}; browser errors: {string.Join(" | ", Browser.Errors)}", e);
        }
        var drawn = "";
        var ready = WaitFor.ConditionAsync(async () =>
        {
            drawn = await page.EvaluateAsync<string>("() => location.search + ' | ' + [...document.querySelectorAll('.explore-card, #explore-problem')].map(c => (c.dataset.metric || c.textContent) + ':' + (c.querySelector('.chart-host')?.dataset.rendered ?? '-')).join(', ')");
            return await page.Locator(".explore-card .chart-host[data-rendered='1']").CountAsync() > 0
                && await page.Locator(".chart-host:not([data-rendered='1'])").CountAsync() == 0;
        }, TimeSpan.FromSeconds(60), "explorer charts drawn");
        try
        {
            await ready;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last seen: {drawn}; browser errors: {string.Join(" | ", Browser.Errors)}", e);
        }
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(width, $"explore fits {width} px");
        var host = page.Locator(".explore-card .chart-host").First;
        var span = double.Parse((await host.GetAttributeAsync("data-to"))!, System.Globalization.CultureInfo.InvariantCulture)
            - double.Parse((await host.GetAttributeAsync("data-from"))!, System.Globalization.CultureInfo.InvariantCulture);
        span.Should().BeLessThan(TimeSpan.FromHours(1).TotalMilliseconds, "'all' spans the fixture's 20 minutes, not the days since");
        await Infrastructure.Browser.ScreenshotAsync(page, $"explore-fixture-{width}-{theme}");
        Browser.Errors.Should().BeEmpty();
    }

    /// <summary>A new page of the given width on the runs list, switched to the dark theme when asked.</summary>
    private async Task<IPage> OpenInThemeAsync(int width, bool dark)
    {
        var page = await Browser.NewPageAsync(Factory.BaseAddress, width, 1000);
        await page.GotoAsync("/");
        await page.Locator("[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        if (dark)
        {
            await page.ClickAsync("#theme-toggle");
            await page.Locator("#theme-toggle[data-theme-now='dark']").WaitForAsync();
        }
        return page;
    }
}
