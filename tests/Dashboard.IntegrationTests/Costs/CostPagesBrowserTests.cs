using System.Globalization;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>Cost, goal and prices on the pages, in Chromium against the real host: goal progress moves live as events
/// arrive, a price edited on settings re-prices the run.</summary>
public sealed class CostPagesBrowserTests : HostedTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static object Generation(string model = "gpt-4o-mini", bool success = true) => new
    {
        type = "generation", timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), duration = 1.0, success,
        model_name = model, prompt_token_count = 1_000_000, completion_token_count = 100_000, total_token_count = 1_100_000,
    };

    private Task PutPricesAsync(double input, double output) => Http.PutAsync("/api/v1/settings/prices", Json.Content(new
    {
        prices = new[] { new { model = "gpt-4o-mini", valid_from = "2020-01-01", input_per_million = input, output_per_million = output, currency = "USD" } },
    })).ContinueWith(t => t.Result.EnsureSuccessStatusCode());

    private async Task<double> RunCostAsync(string run) =>
        (await Json.GetAsync(Http, $"/api/v1/runs/{run}/cost")).GetProperty("cost").GetDouble();

    private static Task LiveAsync(IPage page) => page.Locator("#run-cost[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });

    [Fact]
    public async Task RunPage_SetGoal_ProgressMovesLiveAsEventsArrive()
    {
        await PutPricesAsync(0.15, 0.60);
        (await Json.PostIngestAsync(Http, "goal-live", Generation(), Generation(), Generation(success: false))).EnsureSuccessStatusCode();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/goal-live"));
        await LiveAsync(page);
        (await page.Locator("[data-stat='cost']").InnerTextAsync()).Should().Contain("0.63 USD", "3 × (0.15 + 0.06), the failed generation's tokens too");

        await page.ClickAsync("#goal-edit");
        await page.FillAsync("#goal-target", "abc");
        await page.ClickAsync("#goal-save");
        await page.Locator(".goal-dialog", new() { HasText = "'target' must be a whole number" }).WaitForAsync();
        await page.FillAsync("#goal-target", "10");
        await page.FillAsync("#goal-budget", "1");
        await page.ClickAsync("#goal-save");
        await page.Locator("#goal-progress[data-target='10'][data-done='2']").WaitForAsync(new() { Timeout = 15_000 });

        (await Json.PostIngestAsync(Http, "goal-live", Generation(), Generation(), Generation())).EnsureSuccessStatusCode();

        await page.Locator("#goal-progress[data-done='5']").WaitForAsync(new() { Timeout = 15_000 });
        (await page.Locator("#goal-percent").InnerTextAsync()).Should().Be("50%");
        (await page.Locator("#goal-projected").InnerTextAsync()).Should().Contain("2.52 USD", "6 generations cost 1.26 USD for 5 done, so 10 cost 2.52")
            .And.Contain("budget 1.00 USD");
        await page.Locator("#goal-over-budget").WaitForAsync();
        (await Json.GetAsync(Http, "/api/v1/runs/goal-live/goal")).GetProperty("target").GetInt64().Should().Be(10);
        await Browser.ScreenshotAsync(page, "run-cost-goal");

        await page.SetViewportSizeAsync(420, 900);
        await page.ClickAsync("#theme-toggle");
        await page.Locator("#theme-toggle[data-theme-now='dark']").WaitForAsync();
        // Charts redraw to the new width a moment after the resize (ApexCharts debounces it): wait for the layout to settle.
        var width = 0;
        await WaitFor.ConditionAsync(async () => (width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")) <= 440,
            TimeSpan.FromSeconds(10), "nothing runs off a 420 px screen");
        width.Should().BeLessThanOrEqualTo(440);
        await page.Locator("#goal-card").ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotDirectory, "run-cost-goal-420-dark.png") });
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task SettingsPrices_EditPrice_RunCostChanges()
    {
        await PutPricesAsync(0.15, 0.60);
        (await Json.PostIngestAsync(Http, "priced-run", Generation(), Generation(), Generation("unknown-model"))).EnsureSuccessStatusCode();
        (await RunCostAsync("priced-run")).Should().BeApproximately(0.42, 1e-9);
        var run = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/priced-run"));
        await LiveAsync(run);
        (await run.Locator("[data-stat='cost']").InnerTextAsync()).Should().Contain("0.42 USD").And.Contain("2 points unpriced");

        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "settings"));
        await page.Locator("#settings-root[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Prices" }).ClickAsync();
        await page.Locator(".price-row:has(.price-model:text-is('gpt-4o-mini')) .price-edit").ClickAsync();
        await page.FillAsync("#price-input", "1.5");
        await page.FillAsync("#price-currency", "EURO");
        await page.ClickAsync("#price-save");
        await page.Locator(".price-dialog", new() { HasText = "'currency' must be an ISO 4217 code" }).WaitForAsync();
        await page.FillAsync("#price-currency", "USD");
        await page.ClickAsync("#price-save");
        await page.Locator(".mud-snackbar", new() { HasText = "Price of gpt-4o-mini saved" }).WaitForAsync();

        (await RunCostAsync("priced-run")).Should().BeApproximately(3.12, 1e-9, "2 × (1.5 + 0.06): history re-priced");
        await run.ReloadAsync();
        await LiveAsync(run);
        (await run.Locator("[data-stat='cost']").InnerTextAsync()).Should().Contain("3.12 USD");
        await Browser.ScreenshotAsync(page, "settings-prices");
        Browser.Errors.Should().BeEmpty();
    }
}
