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

    // The viewport's charts on screen, live or not yet (drawn from the prerendered options before the circuit).
    private const string ViewportChartsShown = """
        () => { const c = [...document.querySelectorAll('.chart-host')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; });
          return c.length > 0 && c.every(h => h.dataset.rendered === '1' && h.querySelector('svg')); }
        """;

    private const string ViewportChartsDrawn = """
        () => { const r = document.querySelector('#run-page'); if (!r || r.dataset.live !== 'on') return false;
          const c = [...document.querySelectorAll('.chart-host')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; });
          return c.length > 0 && c.every(h => h.dataset.rendered === '1'); }
        """;

    // Installed before the page's own scripts: the first animation frame (paint follows it) in which every chart in the
    // viewport shows something, the server's drawing (ChartSketch) or ApexCharts', in ms since navigation start.
    private const string WatchPainted = """
        (() => {
          window.__painted = null;
          const look = () => {
            const c = [...document.querySelectorAll('.chart-host')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; });
            if (c.length > 0 && c.every(h => h.querySelector(':scope > .chart-sketch svg, svg.apexcharts-svg'))) window.__painted = performance.now();
            else requestAnimationFrame(look);
          };
          requestAnimationFrame(look);
        })();
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

    /// <param name="baseAddress">The dashboard.</param>
    /// <param name="lowPriority">
    /// Start Chromium (and the processes it forks, which inherit it) under SCHED_IDLE at nice 19: users' browsers do not
    /// run on the server's cores, so in the live bench ten pages must not starve the server that is being measured. They
    /// still get every cycle the server and the load generator leave idle. (Nice alone is not enough: Chromium, run as
    /// root, raises its own threads to nice -8 and starts its helpers at 0; a scheduling policy it does not change holds.)
    /// Nor is SCHED_IDLE alone where the kernel groups tasks by session (sched_autogroup_enabled=1, as here): Playwright
    /// starts the browser in a session of its own, and its group then gets the same share of the cores as the server's
    /// whatever the policy inside it (measured: the writer's thread spent 2.8 s of a 3.4 s transaction runnable but
    /// waiting for a core while the SCHED_IDLE renderers took 1.5 cores). So the wrapper also sets its session group's
    /// nice to 19 (/proc/self/autogroup), only when it leads a session of its own (else it would slow the bench).
    /// </param>
    public static async Task<PageProbe> StartAsync(Uri baseAddress, bool lowPriority = false)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = lowPriority ? NicedChromium() : "/usr/bin/chromium",
            Headless = true,
            // --no-zygote when niced: the zygote starts a session (so a scheduling group) of its own at nice 0, and the
            // renderers it forks would share it; without it they are the browser's children, in its niced group.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                .. (lowPriority ? new[] { "--no-zygote" } : [])],
        });
        return new PageProbe(playwright, browser, baseAddress);
    }

    /// <summary>
    /// A wrapper that execs Debian's Chromium under SCHED_IDLE, its session's group at nice 19 (Playwright talks to it
    /// over the pipes exec keeps).
    /// </summary>
    private static string NicedChromium()
    {
        var path = Path.Combine(Path.GetTempPath(), "livepages-chromium-idle.sh");
        File.WriteAllText(path, """
            #!/bin/sh
            if [ "$(ps -o sid= -p $$ | tr -d ' ')" = "$$" ] && [ -w /proc/self/autogroup ]; then echo 19 > /proc/self/autogroup; fi
            exec chrt --idle 0 nice -n 19 /usr/bin/chromium "$@"

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>
    /// Opens a run page in a new tab. Returns it, the time from navigation to every chart drawn, and where that time
    /// went: the server's HTML answer complete (navigation timing's responseEnd) and the load event.
    /// </summary>
    public async Task<(IPage Page, double Ms, double HtmlMs, double LoadMs)> OpenRunPageAsync(string run, string query = "", IPage? tab = null)
    {
        var view = await OpenRunPageTimedAsync(run, query, tab);
        return (view.Page, view.AllMs, view.HtmlMs, view.LoadMs);
    }

    /// <summary>
    /// A run page's first view: what the user sees at once (every chart in the 1440 x 900 viewport drawn, on a live
    /// circuit) and, later, every chart of the page drawn (those below the fold are drawn when the browser is idle).
    /// </summary>
    public async Task<RunPageView> OpenRunPageTimedAsync(string run, string query = "", IPage? tab = null)
    {
        var page = tab ?? await NewPageAsync();
        await page.AddInitScriptAsync(WatchPainted);
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(_base, $"runs/{Uri.EscapeDataString(run)}{query}").ToString(), new PageGotoOptions { Timeout = 600_000 });
        await page.WaitForFunctionAsync(ViewportChartsShown, null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 10 });
        var shown = sw.Elapsed.TotalMilliseconds;
        await page.WaitForFunctionAsync(ViewportChartsDrawn, null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 10 });
        var visible = sw.Elapsed.TotalMilliseconds;
        await page.WaitForFunctionAsync(AllChartsDrawn, null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 10 });
        var drawn = sw.Elapsed.TotalMilliseconds;
        var (html, load) = await NavigationTimingAsync(page);
        var painted = await page.EvaluateAsync<double>("() => window.__painted ?? -1");
        return new RunPageView(page, visible, drawn, html, load, shown, painted);
    }

    /// <summary>A new tab of the size every figure is taken at (1440 x 900), in a context of its own (nothing cached).</summary>
    public Task<IPage> NewPageAsync() =>
        _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });

    /// <summary>A browser context whose tabs share one HTTP cache (a user who opened the dashboard before).</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });

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

/// <summary>A run page opened: ms from navigation to the viewport's charts drawn, to every chart drawn, HTML complete, load event.</summary>
/// <param name="VisibleMs">The first view: the viewport's charts drawn on a live page (circuit started).</param>
/// <param name="ShownMs">The viewport's charts on screen, drawn by ApexCharts from the prerendered page, live or not yet.</param>
/// <param name="PaintedMs">
/// The first frame with every viewport chart on screen, the server's drawing or ApexCharts' (ms since navigation start).
/// </param>
internal sealed record RunPageView(IPage Page, double VisibleMs, double AllMs, double HtmlMs, double LoadMs, double ShownMs, double PaintedMs);
