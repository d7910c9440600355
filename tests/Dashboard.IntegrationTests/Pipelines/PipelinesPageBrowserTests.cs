using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.IntegrationTests.Pipelines;

public sealed class PipelinesPageBrowserTests
{
    private const string Xss = "<img src=x onerror=alert(1)>";
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 15_000 };

    private static object Execution(string pipeline, double time, bool success) =>
        new { type = "pipeline_execution", pipeline, execution_time = time, success };

    [Fact]
    public async Task PipelinesPage_NewExecutions_UpdateWithoutReloadAndNamesStayText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "pipes", Execution(Xss, 2, true), Execution("etl", 4, true))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/pipelines");
        await Expect(page.Locator("#connection-badge")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=overall]")).ToHaveTextAsync("healthy");
        await page.EvaluateAsync("() => window.__notReloaded = true");
        (await Json.PostIngestAsync(http, "pipes", Execution("etl", 6, false), Execution("etl", 8, false))).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-field=overall]")).ToHaveTextAsync("critical", Wait);
        var etl = page.Locator("[data-field=pipelines] tr").Filter(new() { HasText = "etl" });
        await Expect(etl.Locator("td")).ToHaveTextAsync(["etl", "3", "33.3%", "66.7%", "6.000 s", "4.000 s", "8.000 s", "critical"], new() { Timeout = 15_000 });
        (await page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue();
        await Expect(page.Locator("[data-field=pipelines] td").Filter(new() { HasText = "onerror" })).ToHaveTextAsync(Xss);
        await page.Locator("#chart-executions .apexcharts-bar-area").First.HoverAsync();
        await Browser.ScreenshotAsync(page, "pipelines-live");

        (await page.Locator("img").CountAsync()).Should().Be(0);
        browser.Dialogs.Should().BeEmpty();
        browser.Errors.Should().BeEmpty();
    }
}
