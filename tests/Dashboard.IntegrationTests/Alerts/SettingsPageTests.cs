using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>The interactive settings page in Chromium: units, durations, errors in words next to the field, round trip, preview.</summary>
public sealed class SettingsPageTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "60" })
{
    private static async Task TypeAsync(IPage page, string id, string text)
    {
        var input = page.Locator($"[id='{id}']");
        await input.FillAsync(text);
        await input.BlurAsync();
    }

    private static ILocator FieldError(IPage page, string id) =>
        page.Locator($".mud-input-control:has([id='{id}'])");

    [Fact]
    public async Task Settings_BadInputNamedInWordsNothingSaved_GoodInputRoundTrips()
    {
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "settings"), 1440, 1000);
        await page.Locator("#settings-root[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        (await page.InputValueAsync("[id='rules.low_success_rate.threshold']")).Should().Be("80", "a share is shown in percent");
        (await page.InputValueAsync("[id='rules.high_generation_time.window_seconds']")).Should().Be("5m");

        await TypeAsync(page, "rules.low_success_rate.threshold", "abc");
        await TypeAsync(page, "rules.high_generation_time.window_seconds", "ten minutes");
        await page.ClickAsync("#save-rules");
        await page.Locator("#settings-errors").WaitForAsync();
        var thresholdError = await FieldError(page, "rules.low_success_rate.threshold").InnerTextAsync();
        var windowError = await FieldError(page, "rules.high_generation_time.window_seconds").InnerTextAsync();
        var afterBad = await Json.GetAsync(Http, "/api/v1/settings/alerts");

        thresholdError.Should().Contain("'abc' is not a number.");
        windowError.Should().Contain("not a duration").And.NotContain("window_seconds");
        (await page.Locator("#settings-errors").InnerTextAsync()).Should().NotContain("rules.");
        afterBad.GetProperty("rules").GetProperty("low_success_rate").GetProperty("threshold").GetDouble().Should().Be(0.8);

        await TypeAsync(page, "rules.low_success_rate.threshold", "70");
        await TypeAsync(page, "rules.high_generation_time.window_seconds", "10m");
        await TypeAsync(page, "interval", "2s");
        await page.ClickAsync("#save-rules");
        await WaitFor.ConditionAsync(async () => (await Json.GetAsync(Http, "/api/v1/settings/alerts")).GetProperty("interval_seconds").GetInt32() == 2,
            TimeSpan.FromSeconds(5), "the save reaches the store");
        var saved = await Json.GetAsync(Http, "/api/v1/settings/alerts");
        await page.ReloadAsync();
        await page.Locator("#settings-root[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        saved.GetProperty("rules").GetProperty("low_success_rate").GetProperty("threshold").GetDouble().Should().BeApproximately(0.7, 1e-9);
        saved.GetProperty("rules").GetProperty("high_generation_time").GetProperty("window_seconds").GetInt32().Should().Be(600);
        (await page.InputValueAsync("[id='rules.high_generation_time.window_seconds']")).Should().Be("10m");
        (await page.Locator("#current-interval").InnerTextAsync()).Should().Be("2s");
        await Browser.ScreenshotAsync(page, "settings-page");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Settings_Preview_SaysWhatTheRuleWouldHaveFiredOn()
    {
        var slow = Enumerable.Range(0, 5).Select(i => (object)new
        {
            type = "generation", duration = 45.0, success = true,
            timestamp = DateTimeOffset.UtcNow.AddMinutes(-20 + i).ToString("O"),
        }).ToArray();
        (await Json.PostIngestAsync(Http, "slow-run", slow)).EnsureSuccessStatusCode();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "settings"), 1440, 1000);
        await page.Locator("#settings-root[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        await page.Locator("#preview-high_generation_time .preview-button").ClickAsync();

        var result = page.Locator("#preview-high_generation_time .preview-result");
        await result.WaitForAsync();
        (await result.GetAttributeAsync("data-runs")).Should().Be("1");
        (await result.InnerTextAsync()).Should().Contain("slow-run").And.Contain("45 s");
        await TypeAsync(page, "rules.high_generation_time.threshold", "60");
        await page.Locator("#preview-high_generation_time .preview-button").ClickAsync();
        await WaitFor.ConditionAsync(async () => await result.GetAttributeAsync("data-runs") == "0", TimeSpan.FromSeconds(5), "a higher threshold fires nowhere");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Settings_Narrow420_NothingRunsOffScreen()
    {
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "settings"), 420, 900);
        await page.Locator("[id='rules.low_success_rate.threshold']").WaitForAsync();

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420);
        await Browser.ScreenshotAsync(page, "settings-page-420");
        Browser.Errors.Should().BeEmpty();
    }
}
