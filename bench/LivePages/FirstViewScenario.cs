using System.Diagnostics;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Issue 10 (b) and issue 14 (e): over HTTP against a server that just started on a filled run, p50/p95 of the API
/// answers (stats, series, tokens), the run page's server-rendered HTML, and its first view in Chromium (navigation
/// to every chart drawn): the first one after start-up ("cold": fresh process, nothing cached by the dashboard; the
/// OS file cache is whatever the fill left) and then warm.
/// </summary>
internal static class FirstViewScenario
{
    public static async Task RunAsync(Uri address, string run, int reps, int pageReps)
    {
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at start");
        await using (var browser = await PageProbe.StartAsync(address))
        {
            var cold = await browser.OpenRunPageTimedAsync(run);
            await cold.Page.CloseAsync();
            Console.WriteLine($"run page first view in Chromium, cold (first after server start): viewport's charts painted {cold.PaintedMs:F0} ms, drawn live {cold.VisibleMs:F0} ms, " +
                $"all charts {cold.AllMs:F0} ms (HTML complete {cold.HtmlMs:F0} ms, load event {cold.LoadMs:F0} ms)");
            if (pageReps > 0)
            {
                await WarmAsync(browser, run, "", "range all", pageReps);
                await WarmAsync(browser, run, "?range=1h", "range 1h", pageReps);
                // The same, each tab in one context that opened the page before: its scripts and styles cached.
                await using var context = await browser.NewContextAsync();
                await (await browser.OpenRunPageTimedAsync(run, "", await context.NewPageAsync())).Page.CloseAsync();
                await WarmAsync(browser, run, "", "range all, browser cache warm", pageReps, context);
            }
        }

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(15) };
        var r = Uri.EscapeDataString(run);
        // Answers that grow with the run (cost, and the page that reads it) get fewer calls; with page-reps 0 (100M), one.
        var slow = pageReps == 0 ? 1 : Math.Min(reps, 3);
        foreach (var (label, url, times) in new[]
        {
            ("stats generation_time window=all", $"api/v1/runs/{r}/stats?name=generation_time&window=all", reps),
            ("stats generation_time window=1h", $"api/v1/runs/{r}/stats?name=generation_time&window=1h", reps),
            ("series generation_time, full range", $"api/v1/runs/{r}/series?name=generation_time", reps),
            ("tokens window=all", $"api/v1/runs/{r}/tokens?window=all", reps),
            // The cost section's read grows with the run (seconds at 10M points): a few calls say enough.
            ("cost (the run page's cost section reads it)", $"api/v1/runs/{r}/cost", slow),
            ("run page HTML (server render), range all", $"runs/{r}", slow),
            ("run page HTML (server render), range 1h", $"runs/{r}?range=1h", slow),
        })
        {
            var measured = new List<double>();
            // One unmeasured call first warms the path, except for a single slow call, which is measured as it comes.
            for (var i = times == 1 ? 1 : 0; i <= times; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                if (i > 0)
                {
                    measured.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
            Console.WriteLine($"{label}: {Stats.P50P95(measured)}");
        }
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at end");
    }

    private static async Task WarmAsync(PageProbe browser, string run, string query, string label, int reps, Microsoft.Playwright.IBrowserContext? context = null)
    {
        var painted = new List<double>();
        var shown = new List<double>();
        var visible = new List<double>();
        var drawn = new List<double>();
        var html = new List<double>();
        var load = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var view = await browser.OpenRunPageTimedAsync(run, query, context is null ? null : await context.NewPageAsync());
            painted.Add(view.PaintedMs);
            shown.Add(view.ShownMs);
            visible.Add(view.VisibleMs);
            drawn.Add(view.AllMs);
            html.Add(view.HtmlMs);
            load.Add(view.LoadMs);
            await view.Page.CloseAsync();
        }
        Console.WriteLine($"run page first view in Chromium, {label}, warm: viewport's charts painted (server-drawn or ApexCharts) {Stats.P50P95(painted)}; drawn by ApexCharts {Stats.P50P95(shown)}; first view (viewport's charts drawn, live) {Stats.P50P95(visible)}; all charts drawn {Stats.P50P95(drawn)}; HTML complete {Stats.P50P95(html)}; load event {Stats.P50P95(load)}");
    }
}
