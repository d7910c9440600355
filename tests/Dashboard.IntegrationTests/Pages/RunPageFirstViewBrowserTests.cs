using System.Globalization;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Pages;

/// <summary>
/// The run page's first view (issue 10): the interactive render takes over the prerendered view instead of reading the
/// run again, never shows an empty page meanwhile, and reads again when the run changed in between; every chart is
/// drawn once, those below the fold too, without a scroll.
/// </summary>
public sealed class RunPageFirstViewBrowserTests : HostedTest
{
    // Records whether #run-page was ever missing once the prerendered page had it, and every chart construction.
    private const string Watch = """
        (() => {
          window.__gone = 0; window.__charts = 0; let A;
          Object.defineProperty(window, 'ApexCharts', { configurable: true, get: () => A,
            set: v => { A = function (...a) { window.__charts++; return new v(...a); }; A.prototype = v.prototype; } });
          document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
            if (!document.querySelector('#run-page')) window.__gone++;
          }).observe(document.body, { subtree: true, childList: true }));
        })();
        """;

    private static object[] Generations(int n) => [.. Enumerable.Range(0, n).Select(i => (object)new
    {
        type = "generation", duration = 0.5 + i % 7 / 10.0, success = i % 5 != 0, model_name = i % 2 == 0 ? "m-a" : "m-b",
        prompt_token_count = 100, completion_token_count = 20, total_token_count = 120, conversation_length = 1 + i % 4,
        timestamp = DateTimeOffset.UtcNow.AddMinutes(-30 + i * 0.25).ToString("O", CultureInfo.InvariantCulture),
    })];

    private static async Task<string> StatAsync(IPage page, string key) =>
        (await page.Locator($"[data-stat='{key}'] .stat-value").TextContentAsync())!.Trim();

    private static Task AllChartsDrawnAsync(IPage page) => page.WaitForFunctionAsync(
        "() => { const c = [...document.querySelectorAll('.chart-host')]; return c.length > 0 && c.every(h => h.dataset.rendered === '1'); }",
        null, new() { Timeout = 20_000, PollingInterval = 50 });

    [Fact]
    public async Task RunPage_NothingChangedSincePrerender_TakesOverTheViewDrawsEachChartOnce()
    {
        (await Json.PostIngestAsync(Http, "first-view", Generations(120))).EnsureSuccessStatusCode();
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        await page.AddInitScriptAsync(Watch);

        await page.GotoAsync("/runs/first-view");
        var prerendered = await StatAsync(page, "generations");
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });
        await AllChartsDrawnAsync(page);

        (await page.Locator("#run-page").GetAttributeAsync("data-first-view")).Should().Be("handed", "the circuit's render takes the prerender's view");
        (await StatAsync(page, "generations")).Should().Be(prerendered).And.Be("120");
        (await page.EvaluateAsync<int>("() => window.__gone")).Should().Be(0, "the page never goes empty while the circuit starts");
        var charts = await page.Locator(".chart-host").CountAsync();
        charts.Should().BeGreaterThan(4, "some charts are below the fold at 900 px");
        (await page.EvaluateAsync<int>("() => window.__charts")).Should().Be(charts, "each chart is drawn once");
        Factory.Services.GetRequiredService<RunPageHandoff>().Count.Should().Be(0, "a taken view is not kept");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunPage_CommitBetweenPrerenderAndCircuit_ReadsAgainAndShowsIt()
    {
        (await Json.PostIngestAsync(Http, "changed-view", Generations(40))).EnsureSuccessStatusCode();
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        // The circuit's script is held back until a commit has landed after the prerender.
        var release = await HoldAsync(page, "**/_framework/blazor.web.js");

        var navigation = page.GotoAsync("/runs/changed-view");
        await page.Locator("#run-page").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        (await StatAsync(page, "generations")).Should().Be("40");
        (await Json.PostIngestAsync(Http, "changed-view", Generations(3))).EnsureSuccessStatusCode();
        release.SetResult();
        await navigation;
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });

        (await page.Locator("#run-page").GetAttributeAsync("data-first-view")).Should().Be("read");
        await WaitFor.ConditionAsync(async () => await StatAsync(page, "generations") == "43", TimeSpan.FromSeconds(15), "the commit after the prerender is shown");
        await AllChartsDrawnAsync(page);
        Browser.Errors.Should().BeEmpty();
    }

    /// <summary>Holds back the page's requests that match <paramref name="pattern"/> until the returned source is set.</summary>
    private static async Task<TaskCompletionSource> HoldAsync(IPage page, string pattern)
    {
        var release = new TaskCompletionSource();
        await page.RouteAsync(pattern, async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        return release;
    }

    private const string ViewportCharts =
        "[...document.querySelectorAll('.chart-host')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; })";

    [Fact]
    public async Task RunPage_ChartsDrawnBeforeCircuit_TakenOverWithoutRedrawing()
    {
        (await Json.PostIngestAsync(Http, "early-charts", Generations(120))).EnsureSuccessStatusCode();
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        await page.AddInitScriptAsync(Watch);
        // The circuit's connection is held back: whatever is drawn meanwhile was drawn from the prerendered page alone.
        // (Holding blazor.web.js itself would hold the parser, and the module that draws runs after parsing.)
        var release = await HoldAsync(page, "**/_blazor/negotiate**");

        var navigation = page.GotoAsync("/runs/early-charts");
        await page.WaitForFunctionAsync($"() => {{ const c = {ViewportCharts}; return c.length > 0 && c.every(h => h.dataset.rendered === '1' && h.querySelector('svg')); }}",
            null, new() { Timeout = 20_000, PollingInterval = 50 });
        var early = await page.EvaluateAsync<int>($"() => {{ const c = {ViewportCharts}; c.forEach(h => h.querySelector('svg.apexcharts-svg').__early = true); return c.length; }}");
        var drawnEarly = await page.EvaluateAsync<int>("() => window.__charts");
        await navigation;
        release.SetResult();
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });
        await AllChartsDrawnAsync(page);
        await page.WaitForFunctionAsync($"() => {ViewportCharts}.every(h => h.dataset.firstDraw)", null, new() { Timeout = 20_000, PollingInterval = 50 });

        early.Should().BeGreaterThan(1);
        drawnEarly.Should().Be(early, "only the viewport's charts are drawn before the circuit");
        (await page.EvaluateAsync<string[]>($"() => {ViewportCharts}.map(h => h.dataset.firstDraw)")).Should()
            .HaveCount(early).And.OnlyContain(d => d == "prerendered", "the circuit's options are the prerender's, so the drawing is kept as it is");
        (await page.EvaluateAsync<bool>($"() => {ViewportCharts}.every(h => h.querySelectorAll('svg.apexcharts-svg').length === 1 && h.querySelector('svg.apexcharts-svg').__early === true)"))
            .Should().BeTrue("the circuit's chart elements hold the drawings made before it, not new ones");
        (await page.EvaluateAsync<int>("() => window.__charts")).Should().Be(await page.Locator(".chart-host").CountAsync(), "each chart is drawn once");
        (await page.Locator("#run-page").GetAttributeAsync("data-first-view")).Should().Be("handed");
        Browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RunPage_BeforeAnyScript_ChartsDrawnByTheServerThenReplacedByApexCharts()
    {
        (await Json.PostIngestAsync(Http, "sketched", Generations(120))).EnsureSuccessStatusCode();
        // A browser 5.5 h east of UTC: the server's drawing and ApexCharts' must both write UTC, as the page says.
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900, "Asia/Kolkata");
        await page.AddInitScriptAsync(Watch);
        // ApexCharts' script is held back: what the page shows meanwhile is the server's HTML alone.
        var release = await HoldAsync(page, "**/lib/apexcharts/apexcharts.min.js");

        var navigation = page.GotoAsync("/runs/sketched");
        await page.WaitForFunctionAsync($"() => {ViewportCharts}.length > 1", null, new() { Timeout = 20_000, PollingInterval = 50 });
        var sketched = await page.EvaluateAsync<SketchSeen[]>($$"""
            () => {{ViewportCharts}}.map(h => {
              const plot = h.querySelector(':scope > .chart-sketch .sketch-plot svg');
              const box = plot ? plot.getBoundingClientRect() : { width: 0, height: 0 };
              return { key: h.dataset.key, paths: plot ? [...plot.querySelectorAll('path:not(.sketch-grid)')].filter(p => p.getAttribute('d')).length : 0,
                ticks: h.querySelectorAll('.sketch-x span').length, width: box.width, height: box.height };
            })
            """);
        var generations = await page.Locator("#generations-chart .sketch-legend").TextContentAsync();
        var sketchTimes = await page.Locator("#generations-chart .sketch-x span").AllTextContentsAsync();
        release.SetResult();
        await navigation;
        await page.Locator("#run-page[data-live='on']").WaitForAsync(new() { Timeout = 15_000 });
        await AllChartsDrawnAsync(page);

        sketched.Should().HaveCountGreaterThan(1).And.OnlyContain(s => s.Paths > 0 && s.Ticks > 1 && s.Width > 300 && s.Height > 120,
            "every chart in view is drawn by the server, with data and a time axis, at the card's width");
        generations.Should().Contain("Generations").And.Contain("Failures").And.Contain("Failure share");
        (await page.Locator(".chart-sketch").CountAsync()).Should().Be(0, "ApexCharts' charts replace the server's drawings");
        (await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.chart-host')].every(h => h.querySelectorAll('svg.apexcharts-svg').length === 1)"))
            .Should().BeTrue("one chart per host, no leftovers beside it");
        (await page.EvaluateAsync<int>("() => window.__charts")).Should().Be(await page.Locator(".chart-host").CountAsync(), "each chart is drawn once");
        var from = double.Parse((await page.Locator("#generations-chart").GetAttributeAsync("data-from"))!, CultureInfo.InvariantCulture);
        var to = double.Parse((await page.Locator("#generations-chart").GetAttributeAsync("data-to"))!, CultureInfo.InvariantCulture);
        var apexTimes = (await page.Locator("#generations-chart .apexcharts-xaxis-label tspan").AllTextContentsAsync())
            .Where(t => TimeOfDay.IsMatch(t.Trim())).ToList();
        sketchTimes.Should().HaveCountGreaterThan(1).And.OnlyContain(t => InUtcRange(t, from, to), "the server writes UTC times of the chart's range");
        apexTimes.Should().HaveCountGreaterThan(1).And.OnlyContain(t => InUtcRange(t, from, to), "ApexCharts writes UTC too, not the browser's zone");
        Browser.Errors.Should().BeEmpty();
    }

    private static readonly System.Text.RegularExpressions.Regex TimeOfDay = new(@"^\d\d:\d\d(:\d\d)?$");

    /// <summary>Whether "HH:mm" or "HH:mm:ss" is the UTC time of day of some instant in [from, to] (unix ms), a minute either side.</summary>
    private static bool InUtcRange(string label, double from, double to)
    {
        var parts = label.Trim().Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var minute = parts[0] * 60 + parts[1];
        for (var t = from - 60_000; t <= to + 60_000; t += 60_000)
        {
            if (DateTimeOffset.FromUnixTimeMilliseconds((long)t).UtcDateTime.TimeOfDay.TotalMinutes is var m && (int)m == minute)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>What the page showed in a chart's host before any script (settable: Playwright fills it by property).</summary>
    private sealed class SketchSeen
    {
        public string Key { get; set; } = "";

        public int Paths { get; set; }

        public int Ticks { get; set; }

        public double Width { get; set; }

        public double Height { get; set; }
    }

    [Fact]
    public async Task RunPage_DragOnAChartDrawnBeforeCircuit_SetsTheRangeOnceTheCircuitStarts()
    {
        (await Json.PostIngestAsync(Http, "early-zoom", Generations(120))).EnsureSuccessStatusCode();
        var page = await Browser.NewPageAsync(Factory.BaseAddress, 1440, 900);
        var release = await HoldAsync(page, "**/_blazor/negotiate**");

        var navigation = page.GotoAsync("/runs/early-zoom?range=1h");
        // The first time chart in view, drawn from the prerendered page while the circuit is held back.
        var chart = page.Locator(".chart-host[data-rendered='1'][data-from]").First;
        await chart.WaitForAsync(new() { Timeout = 20_000 });
        var box = (await chart.Locator(".apexcharts-grid").First.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.4f, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.7f, box.Y + box.Height / 2, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await navigation;
        page.Url.Should().NotContain("range=custom", "no circuit yet to take the range");

        release.SetResult();
        await WaitFor.ConditionAsync(() => Task.FromResult(page.Url.Contains("range=custom", StringComparison.Ordinal)), TimeSpan.FromSeconds(15),
            "the zoom made before the circuit is applied once it takes the chart over");
        await page.Locator("#run-page[data-range='custom']").WaitForAsync(new() { Timeout = 15_000 });
        Browser.Errors.Should().BeEmpty();
    }
}
