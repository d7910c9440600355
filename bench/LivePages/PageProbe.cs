using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Debian's Chromium (headless, through Playwright) opening dashboard pages. A run page counts as shown when the
/// circuit is up (#run-page data-live="on") and every chart has drawn (data-rendered="1", set by apex-interop.js once
/// ApexCharts' render promise resolves). While ingest runs, a MutationObserver on each page records when the newest
/// log line ("bench seq N") changed and when the generations chart finished an update, in the browser's wall clock
/// (the same machine clock the ingest driver stamps acknowledgements with).
/// </summary>
internal sealed class PageProbe : IAsyncDisposable
{
    private const string AllChartsDrawn = """
        () => { const r = document.querySelector('#run-page'); if (!r || r.dataset.live !== 'on') return false;
          const c = [...document.querySelectorAll('.chart-host')]; return c.length > 0 && c.every(h => h.dataset.rendered === '1'); }
        """;

    // Runs in the page (CDP evaluation is not subject to the page's CSP). Records [unix ms, newest seq] and [unix ms, chart updates].
    private const string Observe = """
        () => {
          const w = window; w.__bench = { logs: [], charts: [] };
          let lastSeq = -1, lastUpdates = null;
          const look = () => {
            const now = performance.timeOrigin + performance.now();
            const cell = document.querySelector('#logs-body tr td.wrap');
            const m = cell && /bench seq (\d+)/.exec(cell.textContent);
            if (m && +m[1] !== lastSeq) { lastSeq = +m[1]; w.__bench.logs.push([now, lastSeq]); }
            const chart = document.querySelector('#generations-chart');
            const u = chart ? chart.dataset.updates || '0' : null;
            if (u !== lastUpdates) { lastUpdates = u; w.__bench.charts.push([now, +u]); }
          };
          new MutationObserver(look).observe(document.querySelector('#run-page'),
            { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-updates'] });
          look();
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _base;

    private PageProbe(IPlaywright playwright, IBrowser browser, Uri baseAddress)
    {
        _playwright = playwright;
        _browser = browser;
        _base = baseAddress;
    }

    public static async Task<PageProbe> StartAsync(Uri baseAddress)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new PageProbe(playwright, browser, baseAddress);
    }

    /// <summary>
    /// Opens a run page in a new tab. Returns it, the time from navigation to every chart drawn, and where that time
    /// went: the server's HTML answer complete (navigation timing's responseEnd) and the load event.
    /// </summary>
    public async Task<(IPage Page, double Ms, double HtmlMs, double LoadMs)> OpenRunPageAsync(string run, string query = "")
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(_base, $"runs/{Uri.EscapeDataString(run)}{query}").ToString(), new PageGotoOptions { Timeout = 600_000 });
        await page.WaitForFunctionAsync(AllChartsDrawn, null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 10 });
        var drawn = sw.Elapsed.TotalMilliseconds;
        var (html, load) = await NavigationTimingAsync(page);
        return (page, drawn, html, load);
    }

    /// <summary>Opens the runs overview (/); returns the time from navigation to the first grid row on a live circuit, HTML complete and load event.</summary>
    public async Task<(IPage Page, double Ms, double HtmlMs, double LoadMs)> OpenOverviewAsync()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(_base.ToString(), new PageGotoOptions { Timeout = 600_000 });
        await page.WaitForFunctionAsync("() => !!document.querySelector('.runs-grid-wrap[data-live=\"on\"] a[data-run]')",
            null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 10 });
        var shown = sw.Elapsed.TotalMilliseconds;
        var (html, load) = await NavigationTimingAsync(page);
        return (page, shown, html, load);
    }

    private static async Task<(double HtmlMs, double LoadMs)> NavigationTimingAsync(IPage page)
    {
        var t = await page.EvaluateAsync<double[]>("() => { const n = performance.getEntriesByType('navigation')[0]; return [n.responseEnd, n.loadEventEnd]; }");
        return (t[0], t[1]);
    }

    public static Task ObserveAsync(IPage page) => page.EvaluateAsync(Observe);

    /// <summary>What the observer recorded: (unix ms, newest seq shown) and (unix ms, chart updates so far).</summary>
    public static async Task<(List<(double At, long Seq)> Logs, List<(double At, long Updates)> Charts)> CollectAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.__bench");
        var logs = json.GetProperty("logs").EnumerateArray().Select(a => (a[0].GetDouble(), (long)a[1].GetDouble())).ToList();
        var charts = json.GetProperty("charts").EnumerateArray().Select(a => (a[0].GetDouble(), (long)a[1].GetDouble())).ToList();
        return (logs, charts);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
