using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Pages;

/// <summary>The run page while data and alerts arrive, and its range picker, in Chromium (alert rules every second).</summary>
public sealed class RunPageLiveBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    private const string Payload = "<img src=x onerror=window.__xss=1>";

    private static object[] Generations(int count, bool success) =>
        Enumerable.Range(0, count).Select(_ => (object)(success
            ? new { type = "generation", duration = 0.8, success = true, model_name = "m" }
            : new { type = "generation", duration = 1.2, success = false, error = "timeout", model_name = "m" })).ToArray();

    private async Task PostAsync(string run, params object[] events)
    {
        using var response = await Json.PostIngestAsync(Http, run, events);
        response.EnsureSuccessStatusCode();
    }

    private static Task LiveAsync(IPage page) => page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15000 });

    [Fact]
    public async Task RunPage_FailuresAndFeedbackArriveWhileOpen_AlertRowBandAndFeedbackAppearWithoutReload()
    {
        await PostAsync("live:alerts", Generations(25, true));
        await PostAsync("live:alerts", new { type = "evaluation", duration = 0.3, success = true, evaluator_type = "judge", scores = new { coherence = 0.9 } });
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/live%3Aalerts?range=1h"));
        await LiveAsync(page);
        await page.Locator("#generations-chart[data-rendered='1']").WaitForAsync();
        (await page.Locator("#generations-chart .apexcharts-xaxis-annotations rect").CountAsync()).Should().Be(0);
        (await page.Locator("#feedback-list").CountAsync()).Should().Be(0, "no feedback sent yet");
        await page.EvaluateAsync("() => { window.__loads = (window.__loads || 0) + 1; }");

        await PostAsync("live:alerts", Generations(30, false));
        await PostAsync("live:alerts", new
        {
            type = "evaluation", duration = 0.3, success = true, evaluator_type = "judge",
            scores = new { coherence = new { score = 0.2, feedback = Payload } },
        });

        var firing = page.Locator("#alert-feed tr:has([data-rule=low_success_rate][data-state=firing])");
        await firing.WaitForAsync(new() { Timeout = 15_000 });
        (await firing.InnerTextAsync()).Should().MatchRegex("[0-9]+%", "a share reads as percent");
        var band = page.Locator("#generations-chart .apexcharts-xaxis-annotations rect");
        await band.First.WaitForAsync(new() { Timeout = 15_000, State = WaitForSelectorState.Attached });
        (await page.Locator("#latency-chart .apexcharts-xaxis-annotations rect").CountAsync()).Should().Be(0,
            "the band is on the chart of the metric the rule watches (success_rate), not on every chart");
        var feedback = page.Locator("#feedback-list blockquote");
        await feedback.First.WaitForAsync(new() { Timeout = 10_000 });
        (await feedback.First.TextContentAsync()).Should().Be(Payload, "feedback is shown as text");
        (await page.EvaluateAsync<int>("() => window.__loads")).Should().Be(1, "the page was not reloaded");
        (await page.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue();
        await Browser.ScreenshotAsync(page, "run-alert-band");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RangePicker_PresetChosen_AppliesAtOnceAndChartsSpanIt()
    {
        await PostAsync("live:range", Generations(5, true));
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/live%3Arange?range=1h"));
        await LiveAsync(page);
        await page.Locator("#latency-chart[data-rendered='1']").WaitForAsync();
        (await page.Locator("#range-apply").CountAsync()).Should().Be(0, "no Apply button");

        await page.SelectOptionAsync("#range-select", "24h");

        await page.Locator("#run-page[data-range='24h']").WaitForAsync(new() { Timeout = 10_000 });
        page.Url.Should().Contain("range=24h");
        // The page's range attribute changes before the chart's interop call redraws it: wait for the chart.
        var span = 0.0;
        await WaitFor.ConditionAsync(async () =>
        {
            var from = double.Parse((await page.Locator("#latency-chart").GetAttributeAsync("data-from"))!, System.Globalization.CultureInfo.InvariantCulture);
            var to = double.Parse((await page.Locator("#latency-chart").GetAttributeAsync("data-to"))!, System.Globalization.CultureInfo.InvariantCulture);
            span = to - from;
            return Math.Abs(span - TimeSpan.FromHours(24).TotalMilliseconds) <= 120_000;
        }, TimeSpan.FromSeconds(10), "the latency chart redraws over the chosen range");
        span.Should().BeApproximately(TimeSpan.FromHours(24).TotalMilliseconds, 120_000, "time charts span the chosen range");

        await page.SelectOptionAsync("#range-select", "custom");
        await page.FillAsync("#range-from", "2026-01-02T03:04");
        await WaitFor.ConditionAsync(() => Task.FromResult(page.Url.Contains("range=custom", StringComparison.Ordinal) && page.Url.Contains("from=2026-01-02T03%3A04%3A00Z", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "one changed field applies the custom range");
        await page.FillAsync("#range-from", "2030-01-01T00:00");
        await page.Locator("#range-error").WaitForAsync();
        (await page.Locator("#range-error").TextContentAsync()).Should().Contain("From must not be after To");
        Browser.Errors.Should().BeEmpty();
    }
}
