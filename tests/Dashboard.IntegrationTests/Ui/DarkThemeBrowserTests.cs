using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>
/// The dark theme from the first answer on (issue 10): the prerendered page, before its circuit connects, already has the
/// dark grid and the toggle's icon (CI's screenshots caught a white alerts table and a "Theme" label there), and the
/// interactive page keeps them.
/// </summary>
public sealed class DarkThemeBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    // Luminance (0 black .. 1 white; sRGB values, not linearised: the dark surface #171d26 is 0.11, white 1) of the first opaque background at or above the element.
    private const string BackgroundLuminance = """
        sel => { let e = document.querySelector(sel);
          while (e) { const m = getComputedStyle(e).backgroundColor.match(/[\d.]+/g).map(Number);
            if (m.length < 4 || m[3] > 0) { const [r, g, b] = m.map(v => v / 255); return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
            e = e.parentElement; }
          return 1; }
        """;

    private const string ColorLuminance = """
        sel => { const [r, g, b] = getComputedStyle(document.querySelector(sel)).color.match(/[\d.]+/g).map(Number).map(v => v / 255);
          return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
        """;

    private const string ToggleIcon = """
        () => { const t = document.querySelector('#theme-toggle');
          const icons = [...t.querySelectorAll('svg')].filter(s => getComputedStyle(s).display !== 'none' && s.getBoundingClientRect().width > 0);
          return icons.length + '|' + t.textContent.trim(); }
        """;

    [Fact]
    public async Task AlertsPage_DarkThemeChosen_GridDarkAndToggleIconBeforeAndAfterTheCircuit()
    {
        var failures = Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.2, success = false }).ToArray();
        (await Json.PostIngestAsync(Http, "dark-run", failures)).EnsureSuccessStatusCode();
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        await page.AddInitScriptAsync("localStorage.setItem('dashboard-theme', 'dark')");
        await page.GotoAsync("/");
        await page.Locator("#theme-toggle[data-theme-now='dark']").WaitForAsync(new() { Timeout = 15_000 });
        await page.GotoAsync("/alerts");
        await page.Locator("#alert-feed[data-live='on'] [data-state='firing']").First.WaitForAsync(new() { Timeout = 30_000 });
        // The circuit's connection is held back on the next load: what shows meanwhile is the server's first answer.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.Locator("#alerts-table table").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        var prerendered = (Grid: await page.EvaluateAsync<double>(BackgroundLuminance, "#alerts-table table"),
            Text: await page.EvaluateAsync<double>(ColorLuminance, "#alerts-table td"),
            Toggle: await page.EvaluateAsync<string>(ToggleIcon),
            Live: await page.Locator("#connection-badge[data-state='live']").CountAsync());
        release.SetResult();
        await page.Locator("#connection-badge[data-state='live']").WaitForAsync(new() { Timeout = 15_000 });
        await page.Locator("#theme-toggle[data-theme-now='dark']").WaitForAsync(new() { Timeout = 15_000 });
        var interactive = (Grid: await page.EvaluateAsync<double>(BackgroundLuminance, "#alerts-table table"),
            Text: await page.EvaluateAsync<double>(ColorLuminance, "#alerts-table td"),
            Toggle: await page.EvaluateAsync<string>(ToggleIcon));

        prerendered.Live.Should().Be(0, "the first answer was checked before its circuit connected");
        prerendered.Grid.Should().BeLessThan(0.3, "the prerendered alerts grid is dark on the dark page");
        prerendered.Text.Should().BeGreaterThan(0.6, "and its text light");
        prerendered.Toggle.Should().Be("1|", "the toggle shows one icon, not the word 'Theme'");
        interactive.Grid.Should().BeLessThan(0.3);
        interactive.Text.Should().BeGreaterThan(0.6);
        interactive.Toggle.Should().Be("1|");
        Browser.Errors.Should().BeEmpty();
    }
}
