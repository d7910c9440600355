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

    [Fact]
    public async Task PredictionsPage_NewEvents_UpdateWithoutReloadAndLabelsStayText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "live-clf", Prediction(Xss, 0.95))).EnsureSuccessStatusCode();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/predictions?run=live-clf");
        await Expect(page.Locator("#connection-badge")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=predictions]")).ToHaveTextAsync("1");
        await page.EvaluateAsync("() => window.__notReloaded = true");
        (await Json.PostIngestAsync(http, "live-clf", Prediction("positive", 0.4), Prediction("positive", 0.55),
            new { type = "prediction_error", error_type = "Timeout" })).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-field=predictions]")).ToHaveTextAsync("3", Wait);
        await Expect(page.Locator("[data-field=errors]")).ToHaveTextAsync("1", Wait);
        await Expect(page.Locator("[data-field=error-rate]")).ToHaveTextAsync("25.0%", Wait);
        await Expect(page.Locator("[data-field=indicators] li")).ToHaveTextAsync("66.7% of predictions below 0.6 confidence", Wait);
        (await page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue();
        await Expect(page.Locator("[data-field=labels] td").Filter(new() { HasText = "onerror" })).ToHaveTextAsync(Xss);
        await page.Locator("#chart-labels .apexcharts-bar-area").First.HoverAsync();
        await Browser.ScreenshotAsync(page, "predictions-live");

        (await page.Locator("img").CountAsync()).Should().Be(0);
        browser.Dialogs.Should().BeEmpty();
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_NoPredictions_ShowsCurlThenReloadsOnFirstPrediction()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/predictions");
        await Expect(page.Locator("#predictions-empty")).ToContainTextAsync("curl -X POST");
        await Expect(page.Locator("#connection-badge")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Browser.ScreenshotAsync(page, "predictions-empty");
        (await Json.PostIngestAsync(http, "first", Prediction("a", 0.9))).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-field=predictions]")).ToHaveTextAsync("1", Wait);
        browser.Errors.Should().BeEmpty();
    }
}
