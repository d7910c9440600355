using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>The alerts page in Chromium: alerts arrive live, firing first, filters in the URL, shares as percent.</summary>
public sealed class AlertsPageBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    private static object[] Failures(int count) =>
        Enumerable.Range(0, count).Select(_ => (object)new { type = "generation", duration = 1.2, success = false, error = "timeout" }).ToArray();

    [Fact]
    public async Task AlertsPage_FailedBurst_FiringRowsArriveLiveAsPercentAndFilter()
    {
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "alerts"));
        await page.Locator("#alert-feed[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        (await page.Locator("#firing-count").InnerTextAsync()).Should().Be("0");

        (await Json.PostIngestAsync(Http, "alert-run", Failures(30))).EnsureSuccessStatusCode();
        using (var external = await Http.PostAsync("/api/v1/alerts", Json.Content(new { severity = "info", message = "<b>hand</b> raised", run = "other-run" })))
        {
            external.EnsureSuccessStatusCode();
        }

        var firing = page.Locator("#alerts-table tr:has([data-rule='high_error_rate'][data-state='firing'])");
        await firing.WaitForAsync(new() { Timeout = 15_000 });
        (await firing.InnerTextAsync()).Should().Contain("100%").And.Contain("20%").And.Contain("alert-run");
        (await page.Locator("#firing-count").InnerTextAsync()).Should().NotBe("0");
        var states = await page.Locator("#alerts-table [data-state]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.state)");
        states.Select(s => s == "firing" ? 0 : s == "pending" ? 1 : 2).Should().BeInAscendingOrder("firing alerts come first");

        await page.Locator("#filter-run").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "other-run" }).ClickAsync();
        await WaitFor.ConditionAsync(async () => await page.Locator("#alerts-table [data-rule]").CountAsync() == 1, TimeSpan.FromSeconds(5), "only other-run's alert");
        page.Url.Should().Contain("run=other-run");
        (await page.Locator("#alerts-table").InnerTextAsync()).Should().Contain("<b>hand</b> raised", "hostile text shows as text");
        await Browser.ScreenshotAsync(page, "alerts-page");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task AlertsPage_Narrow420_NothingRunsOffScreen()
    {
        (await Json.PostIngestAsync(Http, "narrow-alert-run-with-a-long-name", Failures(30))).EnsureSuccessStatusCode();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "alerts"), 420, 900);
        await page.Locator("#alerts-table [data-state='firing']").First.WaitForAsync(new() { Timeout = 15_000 });

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(420);
        // Each stacked cell shows its column's name (::before): it must fit on one line, never "Mess" over "age".
        var split = await page.EvaluateAsync<string[]>("""
            () => {
              const measure = document.createElement('canvas').getContext('2d');
              return [...document.querySelectorAll('#alerts-table td[data-label]')].flatMap(td => {
                const label = getComputedStyle(td, '::before');
                measure.font = `${label.fontWeight} ${label.fontSize} ${label.fontFamily}`;
                const needed = measure.measureText(td.dataset.label).width;
                const lines = parseFloat(label.height) / (parseFloat(label.lineHeight) || parseFloat(label.fontSize) * 1.5);
                const off = td.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5;
                const width = parseFloat(label.width);
                return !(width + 0.5 >= needed) || lines >= 1.8 || off ? [`${td.dataset.label}: ${label.width} wide for ${needed}px, ${lines} lines, off ${off}`] : [];
              });
            }
            """);
        split.Should().BeEmpty("no column name breaks inside a word and no cell runs off screen");
        (await page.Locator("#alerts-table td[data-label='Message']").CountAsync()).Should().BeGreaterThan(0, "the grid is stacked at 420 px");
        await Browser.ScreenshotAsync(page, "alerts-page-420");
        Browser.Errors.Should().BeEmpty();
    }
}
