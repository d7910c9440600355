using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Alerts;

public sealed class SettingsPageTests
{
    [Fact]
    public async Task SettingsForm_BadInputRejectedNothingSaved_GoodInputApplied()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" });
        using var http = factory.CreateHttpClient();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(width: 1280, height: 900);
        await page.GotoAsync(new Uri(factory.BaseAddress, "/settings").ToString());

        await page.FillAsync("[name='rules.low_success_rate.threshold']", "abc");
        await page.FillAsync("[name='rules.high_generation_time.window_seconds']", "-60");
        await page.ClickAsync("#save-rules");
        var errors = await page.Locator("#settings-errors").InnerTextAsync();
        var afterBad = await Json.GetAsync(http, "/api/v1/settings/alerts");
        await Browser.ScreenshotAsync(page, "settings-rejected");

        errors.Should().Contain("rules.low_success_rate.threshold").And.Contain("not a number")
            .And.Contain("rules.high_generation_time.window_seconds");
        (await page.InputValueAsync("[name='rules.low_success_rate.threshold']")).Should().Be("abc", "the posted value comes back");
        afterBad.GetProperty("rules").GetProperty("low_success_rate").GetProperty("threshold").GetDouble().Should().Be(0.8);
        afterBad.GetProperty("rules").GetProperty("high_generation_time").GetProperty("window_seconds").GetInt32().Should().Be(300);

        await page.FillAsync("[name='rules.low_success_rate.threshold']", "0.7");
        await page.FillAsync("[name='rules.high_generation_time.window_seconds']", "600");
        await page.UncheckAsync("[name='rules.high_token_usage:total.enabled']");
        await page.FillAsync("[name=interval_seconds]", "2");
        await page.ClickAsync("#save-rules");
        await page.Locator("#settings-saved").WaitForAsync();
        var afterGood = await Json.GetAsync(http, "/api/v1/settings/alerts");

        afterGood.GetProperty("interval_seconds").GetInt32().Should().Be(2);
        var rules = afterGood.GetProperty("rules");
        rules.GetProperty("low_success_rate").GetProperty("threshold").GetDouble().Should().Be(0.7);
        rules.GetProperty("high_generation_time").GetProperty("window_seconds").GetInt32().Should().Be(600);
        rules.GetProperty("high_token_usage:total").GetProperty("enabled").GetBoolean().Should().BeFalse();
        rules.GetProperty("low_success_rate").GetProperty("enabled").GetBoolean().Should().BeTrue();

        await page.FillAsync("[name='new_rule.name']", "p95-latency");
        await page.FillAsync("[name='new_rule.metric']", "latency");
        await page.FillAsync("[name='new_rule.aggregate']", "median");
        await page.FillAsync("[name='new_rule.threshold']", "2.5");
        await page.ClickAsync("#add-rule");
        var customErrors = await page.Locator("#settings-errors").InnerTextAsync();
        await page.FillAsync("[name='new_rule.aggregate']", "p95");
        await page.ClickAsync("#add-rule");
        await page.Locator("#custom-rules tr[data-rule='custom:p95-latency']").WaitForAsync();
        await page.FillAsync("[name='new_baseline.pipeline']", "etl");
        await page.FillAsync("[name='new_baseline.seconds']", "12.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set baseline" }).ClickAsync();
        await page.Locator("#baselines").WaitForAsync();
        await page.FillAsync("[name='new_webhook.url']", "http://127.0.0.1:9/hook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        await page.Locator("#webhooks").WaitForAsync();
        var final = await Json.GetAsync(http, "/api/v1/settings/alerts");
        await Browser.ScreenshotAsync(page, "settings-saved");

        customErrors.Should().Contain("new_rule.aggregate").And.Contain("median");
        final.GetProperty("custom_rules").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("aggregate").GetString().Should().Be("p95");
        final.GetProperty("baselines")[0].GetProperty("seconds").GetDouble().Should().Be(12.5);
        final.GetProperty("webhooks")[0].GetProperty("url").GetString().Should().Be("http://127.0.0.1:9/hook");
    }
}
