using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Where a run page's first view spends its time (issue 10's 1 s goal): each warm view in Chromium is annotated by an
/// init script (CDP-injected, so the page's CSP does not apply) that records, in ms since navigation start, the HTML,
/// the scripts, the circuit's WebSocket, the first interactive DOM change, the live flag, and every chart's render
/// start and end; long tasks (main thread busy over 50 ms) are summed per phase. Medians over the views are printed.
/// </summary>
internal static class FirstViewProfile
{
    private const string Marks = """
        (() => {
          const t = window.__marks = { charts: {}, longTasks: [] };
          const now = () => performance.now();
          const Ws = window.WebSocket;
          window.WebSocket = function (...a) { const s = new Ws(...a); t.wsCreated ??= now(); s.addEventListener('open', () => { t.wsOpen ??= now(); });
            s.addEventListener('message', () => { t.wsFirstMessage ??= now(); }); return s; };
          window.WebSocket.prototype = Ws.prototype; Object.assign(window.WebSocket, Ws);
          t.constructed = 0; let A;
          Object.defineProperty(window, 'ApexCharts', { configurable: true, get: () => A,
            set: v => { A = function (...a) { t.constructed++; t.firstConstruct ??= now(); t.lastConstruct = now(); return new v(...a); }; A.prototype = v.prototype; } });
          new PerformanceObserver(l => l.getEntries().forEach(e => t.longTasks.push([e.startTime, e.duration]))).observe({ type: 'longtask', buffered: true });
          document.addEventListener('DOMContentLoaded', () => {
            t.dcl = now();
            new MutationObserver(ms => {
              if (t.wsOpen !== undefined) { t.firstMutationAfterWs ??= now(); }
              const r = document.querySelector('#run-page');
              if (r && r.dataset.live === 'on') { t.live ??= now(); }
              document.querySelectorAll('.chart-host').forEach(h => {
                const c = t.charts[h.id || h.getAttribute('aria-label')] ??= {};
                if (h.dataset.rendered === '0') { c.start ??= now(); }
                if (h.dataset.rendered === '1') { c.start ??= now(); c.end ??= now(); }
              });
            }).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
          });
        })();
        """;

    private const string Collect = """
        () => { const t = window.__marks; const n = performance.getEntriesByType('navigation')[0];
          const res = {}; performance.getEntriesByType('resource').forEach(r => { const k = r.name.split('/').pop().split('?')[0]; res[k] = [r.startTime, r.responseEnd]; });
          const starts = Object.values(t.charts).map(c => c.start).filter(x => x !== undefined);
          const ends = Object.values(t.charts).map(c => c.end).filter(x => x !== undefined);
          return { connectEnd: n.connectEnd, requestStart: n.requestStart, firstByte: n.responseStart, html: n.responseEnd, domInteractive: n.domInteractive, dcl: t.dcl, load: n.loadEventEnd, wsCreated: t.wsCreated, wsOpen: t.wsOpen, wsFirstMessage: t.wsFirstMessage,
            firstMutationAfterWs: t.firstMutationAfterWs, live: t.live, firstChartStart: Math.min(...starts), lastChartEnd: Math.max(...ends),
            charts: starts.length, chartsConstructed: t.constructed, firstConstruct: t.firstConstruct, lastConstruct: t.lastConstruct, blazorJs: (res['blazor.web.js'] || [])[1], apexJs: (res['apexcharts.min.js'] || [])[1], mudJs: (res['MudBlazor.min.js'] || [])[1],
            interopJs: (res['apex-interop.js'] || [])[1], negotiated: (res['negotiate'] || [])[1],
            viewportCharts: [...document.querySelectorAll('.chart-host')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; }).length,
            viewportTakenOver: [...document.querySelectorAll('.chart-host[data-first-draw="prerendered"]')].filter(h => { const b = h.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; }).length,
            longTasks: t.longTasks }; }
        """;

    public static async Task RunAsync(Uri address, string run, int reps, string query)
    {
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at start; profiling runs/{run}{query}, {reps} warm views after one cold");
        await using var probe = await PageProbe.StartAsync(address);
        var rows = new List<Dictionary<string, double>>();
        for (var i = 0; i <= reps; i++)
        {
            var page = await probe.NewPageAsync();
            await page.AddInitScriptAsync(Marks);
            // The last view also runs Chromium's sampling profiler: self time per function says what the main thread did.
            var cdp = i == reps ? await page.Context.NewCDPSessionAsync(page) : null;
            if (cdp is not null)
            {
                await cdp.SendAsync("Profiler.enable");
                await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
                await cdp.SendAsync("Profiler.start");
            }
            var view = await probe.OpenRunPageTimedAsync(run, query, page);
            if (cdp is not null)
            {
                var stopped = await cdp.SendAsync("Profiler.stop");
                PrintProfile(stopped!.Value.GetProperty("profile"));
            }
            var json = await page.EvaluateAsync<JsonElement>(Collect);
            if (i == reps)
            {
                Console.WriteLine("  charts (id: points per series): " + await page.EvaluateAsync<string>(
                    "() => [...document.querySelectorAll('.chart-host')].map(h => (h.id || '?') + ': ' + (h._apex ? h._apex.chart.w.config.series.map(s => s.data.length).join('+') : 'none')).join('; ')"));
            }
            await page.CloseAsync();
            if (i == 0)
            {
                continue;
            }
            var row = new Dictionary<string, double> { ["viewport's charts painted, server-drawn or ApexCharts (page clock)"] = view.PaintedMs, ["viewport's charts on screen (bench clock)"] = view.ShownMs, ["viewport's charts drawn, live (bench clock)"] = view.VisibleMs, ["all charts drawn (bench clock)"] = view.AllMs };
            foreach (var p in json.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
            {
                row[p.Name] = p.Value.GetDouble();
            }
            var tasks = json.GetProperty("longTasks").EnumerateArray().Select(a => (Start: a[0].GetDouble(), Ms: a[1].GetDouble())).ToList();
            row["long tasks before ws open, ms"] = tasks.Where(x => x.Start < row.GetValueOrDefault("wsOpen")).Sum(x => x.Ms);
            row["long tasks ws open..first chart, ms"] = tasks.Where(x => x.Start >= row.GetValueOrDefault("wsOpen") && x.Start < row.GetValueOrDefault("firstChartStart")).Sum(x => x.Ms);
            row["long tasks first chart..last drawn, ms"] = tasks.Where(x => x.Start >= row.GetValueOrDefault("firstChartStart")).Sum(x => x.Ms);
            rows.Add(row);
        }
        foreach (var key in rows[0].Keys)
        {
            var values = rows.Select(r => r.GetValueOrDefault(key)).Order().ToList();
            Console.WriteLine($"  {key,-40} p50 {values[values.Count / 2].ToString("F0", CultureInfo.InvariantCulture),6}   (min {values[0]:F0}, max {values[^1]:F0})");
        }
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at end");
    }

    /// <summary>Self time per function (and per script) from a CDP CPU profile: the top 25.</summary>
    private static void PrintProfile(JsonElement profile)
    {
        var nodes = profile.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32(), n =>
        {
            var f = n.GetProperty("callFrame");
            var url = f.GetProperty("url").GetString() ?? "";
            return $"{f.GetProperty("functionName").GetString()} {url.Split('/').Last()}:{f.GetProperty("lineNumber").GetInt32()}:{f.GetProperty("columnNumber").GetInt32()}";
        });
        var samples = profile.GetProperty("samples").EnumerateArray().Select(x => x.GetInt32()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(x => x.GetDouble() / 1000).ToList();
        var self = new Dictionary<string, double>();
        var byScript = new Dictionary<string, double>();
        for (var i = 0; i < samples.Count; i++)
        {
            var name = nodes[samples[i]];
            var ms = i + 1 < deltas.Count ? deltas[i + 1] : 0;
            self[name] = self.GetValueOrDefault(name) + ms;
            var script = name.Split(' ').Last().Split(':')[0];
            byScript[script] = byScript.GetValueOrDefault(script) + ms;
        }
        Console.WriteLine("  CPU profile of the last view, self ms per script:");
        foreach (var (k, v) in byScript.OrderByDescending(x => x.Value).Take(10))
        {
            Console.WriteLine($"    {v,8:F0}  {k}");
        }
        Console.WriteLine("  self ms per function (top 25):");
        foreach (var (k, v) in self.OrderByDescending(x => x.Value).Take(25))
        {
            Console.WriteLine($"    {v,8:F0}  {k}");
        }
    }
}
