using System.Globalization;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>The runs list's cost and goal columns in Chromium: "–" where nothing is priced, a marker where part is, sorting
/// by cost (priced at query time, so sorted by the page), goal progress.</summary>
public sealed class RunsListCostBrowserTests : HostedTest
{
    private static object Generation(string model) => new
    {
        type = "generation", timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), duration = 1.0, success = true,
        model_name = model, prompt_token_count = 1_000_000, completion_token_count = 0, total_token_count = 1_000_000,
    };

    private static ILocator Row(IPage page, string run) => page.Locator($"tr:has(a[data-run='{run}'])");

    [Fact]
    public async Task RunsList_CostColumn_DashForUnpricedMarkerForPartlySortedByCostAndGoalProgress()
    {
        (await Http.PutAsync("/api/v1/settings/prices", Json.Content(new
        {
            prices = new[] { new { model = "paid-*", valid_from = "2020-01-01", input_per_million = 2.0, output_per_million = 0.0, currency = "USD" } },
        }))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "cheap-run", Generation("paid-a"))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "dear-run", Generation("paid-a"), Generation("paid-b"), Generation("paid-c"))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "mixed-run", Generation("paid-a"), Generation("paid-b"), Generation("free-model"))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "unpriced-run", Generation("free-model"))).EnsureSuccessStatusCode();
        (await Http.PutAsync("/api/v1/runs/dear-run/goal", Json.Content(new { target = 12 }))).EnsureSuccessStatusCode();

        var page = await Browser.OpenAsync(Factory.BaseAddress, 1440, 900);
        await Row(page, "unpriced-run").WaitForAsync(new() { Timeout = 15_000 });

        (await Row(page, "cheap-run").Locator(".cost-cell").InnerTextAsync()).Trim().Should().Be("2.00 USD");
        (await Row(page, "dear-run").Locator(".cost-cell").InnerTextAsync()).Trim().Should().Be("6.00 USD");
        (await Row(page, "dear-run").Locator(".run-cost").GetAttributeAsync("title")).Should()
            .Be("2.00 USD per successful generation (3 succeeded)", "6.00 USD over 3 successful generations");
        (await Row(page, "unpriced-run").Locator(".cost-cell").InnerTextAsync()).Trim().Should().Be("–", "nothing priced is not 0");
        (await Row(page, "mixed-run").Locator(".cost-cell [data-partly]").GetAttributeAsync("title")).Should().Contain("2 points unpriced", "its prompt and completion counts");
        (await Row(page, "dear-run").Locator(".goal-cell").GetAttributeAsync("data-done")).Should().Be("3");
        (await Row(page, "dear-run").Locator(".goal-cell").InnerTextAsync()).Should().Contain("25%");

        await page.Locator("th:has-text('Cost') .column-header").First.ClickAsync();
        await Browser.ScreenshotAsync(page, "runs-cost-sorted");
        await WaitFor.ConditionAsync(async () => (await page.Locator("a[data-run]").AllInnerTextsAsync()).SequenceEqual(["cheap-run", "mixed-run", "dear-run", "unpriced-run"]),
            TimeSpan.FromSeconds(10), "ascending by cost, unpriced last");
        await page.Locator("th:has-text('Cost') .column-header").First.ClickAsync();
        await WaitFor.ConditionAsync(async () => (await page.Locator("a[data-run]").AllInnerTextsAsync()).SequenceEqual(["dear-run", "mixed-run", "cheap-run", "unpriced-run"]),
            TimeSpan.FromSeconds(10), "descending by cost, unpriced still last");
        await Browser.ScreenshotAsync(page, "runs-cost-goal");
        Browser.Errors.Should().BeEmpty();
    }
}
