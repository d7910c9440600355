using System.Diagnostics;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Issue 14 (d): the runs overview with many runs over HTTP: GET /api/v1/runs (first page), the / page's
/// server-rendered HTML, and its first render in Chromium (navigation to the first grid row on a live circuit).
/// </summary>
internal static class OverviewScenario
{
    public static async Task RunAsync(Uri address, int reps)
    {
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at start");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        foreach (var (label, url) in new[]
        {
            ("GET /api/v1/runs (first page, 200 runs)", "api/v1/runs"),
            ("GET /api/v1/runs?limit=25", "api/v1/runs?limit=25"),
            ("GET /api/v1/overview (first page)", "api/v1/overview"),
            ("GET / (server-rendered HTML)", ""),
        })
        {
            var times = new List<double>();
            for (var i = 0; i <= reps; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                if (i > 0)
                {
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
            Console.WriteLine($"{label}: {Stats.P50P95(times)}");
        }
        await using var browser = await PageProbe.StartAsync(address);
        var first = await browser.OpenOverviewAsync();
        await first.Page.CloseAsync();
        var warm = new List<double>();
        var html = new List<double>();
        var load = new List<double>();
        for (var i = 0; i < Math.Max(5, reps / 2); i++)
        {
            var view = await browser.OpenOverviewAsync();
            warm.Add(view.Ms);
            html.Add(view.HtmlMs);
            load.Add(view.LoadMs);
            await view.Page.CloseAsync();
        }
        Console.WriteLine($"/ in Chromium, navigation to the first grid row on a live circuit: first {first.Ms:F0} ms; then {Stats.P50P95(warm)}; " +
            $"HTML complete {Stats.P50P95(html)}; load event {Stats.P50P95(load)}");
        Console.WriteLine($"load {ServerProbe.LoadAverage()} at end");
    }
}
