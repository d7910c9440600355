using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.RunsList;

public sealed class RunsGridWidthBrowserTests : HostedTest
{
    [Fact]
    public async Task RunsList_AllKindsAt1440_GridDoesNotScrollSideways()
    {
        using (var response = await Json.PostIngestAsync(Http, "experiment-2026-11-20:all-kinds-with-a-longish-name",
        [
            new { type = "generation", duration = 1.0, success = true, model_name = "m", total_token_count = 123456 },
            new { type = "prediction", prediction = "pos", confidence = 0.9, processing_time = 0.1 },
            new { type = "pipeline_execution", pipeline = "etl", execution_time = 2.0, success = false },
            new { type = "evaluation", duration = 0.3, success = true, evaluator_type = "judge", scores = new { coherence = 0.9 } },
        ]))
        {
            response.EnsureSuccessStatusCode();
        }
        var page = await Browser.OpenAsync(Factory.BaseAddress, 1440, 900);
        await page.Locator("a[data-run]").First.WaitForAsync();

        await Browser.ScreenshotAsync(page, "runs-all-kinds-1440");
        var widths = await page.EvaluateAsync<int[]>("() => { const c = document.querySelector('.runs-grid .mud-table-container'); return [c.scrollWidth, c.clientWidth]; }");
        widths[0].Should().BeLessThanOrEqualTo(widths[1], "every column fits at 1440 px with all kinds shown");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(1440);
        (await page.Locator("tr:has(a[data-run])").InnerTextAsync()).Should().Contain("100% ok").And.Contain("conf. 90%").And.Contain("1 failed");
        Browser.Errors.Should().BeEmpty();
    }
}
