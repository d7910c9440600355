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

    // Counts the moments the grid's alert rows went from some to none: a MutationObserver sees every DOM change,
    // however brief (the circuit's first render used to show an empty grid while it read the alerts again).
    private const string RowsWatch = """
        window.__rowsGone = 0;
        document.addEventListener('DOMContentLoaded', () => {
          let had = false;
          const look = () => {
            const n = document.querySelectorAll('#alerts-table tr.alert-row').length;
            if (had && n === 0) window.__rowsGone++;
            had = n > 0;
          };
          look();
          new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
        });
        """;

    [Fact]
    public async Task AlertsPage_PrerenderedRows_StayWhileTheCircuitStarts()
    {
        (await Json.PostIngestAsync(Http, "handed-alert-run", Failures(30))).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(async () => (await Http.GetStringAsync("/api/v1/alerts?state=firing")).Contains("handed-alert-run"),
            TimeSpan.FromSeconds(15), "the rule fires before the page is opened");
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        await page.AddInitScriptAsync(RowsWatch);

        await page.GotoAsync("/alerts");
        (await page.Locator("#alerts-table tr.alert-row").CountAsync()).Should().BeGreaterThan(0, "the prerendered page lists the firing alert");
        await page.Locator("#alert-feed[data-live='on']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        await page.Locator("#alerts-table [data-rule='high_error_rate'][data-state='firing']").First.WaitForAsync();

        (await page.EvaluateAsync<int>("() => window.__rowsGone")).Should().Be(0, "the circuit's first render shows the prerender's rows, not an empty grid");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task AlertsPage_Wide1440_NumberHeadersLineUpWithTheirNumbers()
    {
        (await Json.PostIngestAsync(Http, "aligned-alert-run", Failures(30))).EnsureSuccessStatusCode();
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "alerts"), 1440, 900);
        await page.Locator("#alerts-table [data-state='firing']").First.WaitForAsync(new() { Timeout = 15_000 });

        // Right-aligned numbers under a header whose words end where the numbers end (the header's text, not its box).
        string[]? offsets = null;
        await WaitFor.ConditionAsync(async () => (offsets = await page.EvaluateAsync<string[]?>("""
            () => {
              // The header row that names the columns, and a data row (alert-row): while the grid reloads live, MudDataGrid
              // may add a loading row to the head or body that spans every column.
              const headRow = [...document.querySelectorAll('#alerts-table thead tr')].find(r => [...r.children].some(h => h.innerText.trim() === 'Value'));
              const row = document.querySelector('#alerts-table tbody tr.alert-row');
              if (!headRow || !row || row.children.length !== headRow.children.length) return null;
              const heads = [...headRow.children];
              const textRight = el => { const r = document.createRange(); r.selectNodeContents(el); const b = [...r.getClientRects()]; return Math.max(...b.map(x => x.right)); };
              return ['Value', 'Threshold', 'Duration'].map(name => {
                const i = heads.findIndex(h => h.innerText.trim() === name);
                const title = [...heads[i].querySelectorAll('*')].find(e => e.childElementCount === 0 && e.textContent.trim() === name) ?? heads[i];
                // Rounded to whole pixels, and one pixel of sub-pixel layout forgiven.
                const cell = row.children[i];
                const off = Math.round(textRight(title) - textRight(cell));
                return `${name} ${Math.abs(off) <= 1 ? 0 : off}`;
              });
            }
            """)) is not null, TimeSpan.FromSeconds(10), "a header row and a data row with as many cells");
        offsets.Should().Equal(["Value 0", "Threshold 0", "Duration 0"], "header text and numbers end at the same x (px off shown)");
    }
}
