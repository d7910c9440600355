using System.Globalization;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Pages;

public sealed class PagesBrowserTests : HostedTest
{
    private const string ImgPayload = "<img src=x onerror=window.__xss=1>";
    private const string ScriptPayload = "<script>window.__xss=1</script>";

    private static object Generation(bool success, string model = "gpt-4o-mini", double duration = 1.5) => new
    {
        type = "generation", duration, success, model_name = model, finish_reason = "stop",
        prompt_token_count = 100, completion_token_count = 20, total_token_count = 120, conversation_length = 3,
        timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };

    private async Task PostAsync(string run, params object[] events)
    {
        using var response = await Json.PostIngestAsync(Http, run, events);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<string> StatAsync(IPage page, string key) =>
        (await page.Locator($"[data-stat='{key}'] .stat-value").TextContentAsync())!.Trim();

    [Fact]
    public async Task RunPage_EventsPosted_NumbersChartsAndLogsUpdateLiveAsText()
    {
        await PostAsync("live:run-1", Generation(true), Generation(true));
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/live%3Arun-1?range=1h"));
        await page.Locator("#connection-badge[data-state='live']").WaitForAsync();
        (await StatAsync(page, "generations")).Should().Be("2");
        var pathBefore = await page.Locator("#success-card .apexcharts-series path").First.GetAttributeAsync("d");

        await PostAsync("live:run-1", Generation(false, "meta-llama/" + ImgPayload), Generation(false),
            new { type = "log", level = "error", message = ScriptPayload },
            new
            {
                type = "evaluation", duration = 0.4, success = true, evaluator_type = "judge",
                scores = new Dictionary<string, object> { [ImgPayload] = new { score = 3, feedback = "said \"fine\" " + ImgPayload } },
            });

        await WaitFor.ConditionAsync(async () => await StatAsync(page, "generations") == "4", TimeSpan.FromSeconds(5), "generations update live");
        (await StatAsync(page, "failure-share")).Should().Be("50%");
        await page.Locator("#logs-body td.wrap", new() { HasText = ScriptPayload }).First.WaitForAsync();
        await page.Locator("#model-usage-card td", new() { HasText = "meta-llama/" + ImgPayload }).WaitForAsync();
        await page.Locator("#feedback-list blockquote", new() { HasText = "said \"fine\"" }).WaitForAsync();
        await page.Locator("#evaluation-scores-card .apexcharts-legend-text", new() { HasText = ImgPayload }).WaitForAsync();
        var pathAfter = await page.Locator("#success-card .apexcharts-series path").First.GetAttributeAsync("d");
        pathAfter.Should().NotBe(pathBefore);
        (await page.EvaluateAsync<bool>("() => window.__xss === 1")).Should().BeFalse();
        (await page.Locator("main img").CountAsync()).Should().Be(0);
        await Browser.ScreenshotAsync(page, "run-live");
        Browser.Errors.Where(e => !e.Contains("404", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public async Task RunPage_AfterimageFixtureCustomRange_ShowsFailureShareNotErrorRate()
    {
        using (var body = new StreamContent(File.OpenRead(Fixtures.Path("afterimage-metrics.jsonl"))))
        {
            body.Headers.ContentType = new("application/x-ndjson");
            using var response = await Http.PostAsync("/api/v1/runs/afterimage:fixture/import", body);
            response.EnsureSuccessStatusCode();
        }
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/afterimage%3Afixture?range=5m"));
        await page.Locator("#success-card .empty").WaitForAsync();
        (await StatAsync(page, "generations")).Should().Be("0");

        await page.SelectOptionAsync("#range-select", "custom");
        await page.FillAsync("#range-from", "2026-11-20T09:00");
        await page.FillAsync("#range-to", "2026-11-20T09:30");
        await page.ClickAsync("#range-apply");
        await page.Locator("#success-card .apexcharts-series path").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

        (await StatAsync(page, "generations")).Should().Be("246");
        var failure = double.Parse((await StatAsync(page, "failure-share")).TrimEnd('%'), CultureInfo.InvariantCulture);
        failure.Should().BeLessThan(20);
        (await page.Locator("#model-usage-card td", new() { HasText = "meta-llama/Llama-3.1-8B-Instruct" }).CountAsync()).Should().Be(1);
        (await page.Locator("#feedback-list blockquote", new() { HasText = "\"mostly\"" }).CountAsync()).Should().BeGreaterThan(0);
        var csv = await page.Locator("#downloads a[data-format='csv']").GetAttributeAsync("href");
        csv.Should().Contain("from=2026-11-20T09%3A00%3A00Z").And.Contain("to=2026-11-20T09%3A30%3A00Z");
        await Browser.ScreenshotAsync(page, "run-fixture");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunPage_NarrowWindowDarkTheme_RendersWithoutErrors()
    {
        await PostAsync("narrow-run", Generation(true), Generation(false));
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/narrow-run"), 420, 900);
        await page.ClickAsync("#theme-toggle");
        await page.Locator("#success-card .apexcharts-series path").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(440);
        await Browser.ScreenshotAsync(page, "run-narrow-dark");
        Browser.Errors.Should().BeEmpty();
    }
}
