using Microsoft.Playwright;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Issue 10 (a) and issue 14 (c): one run receiving a steady ingest, first with no page open, then with P run pages
/// open, then after closing them. Per phase: server CPU and RSS, ingest latency; with pages: POST-to-render (a POST's
/// 2xx to its log line on a page, and to the generations chart's next finished update after that).
/// </summary>
internal static class LiveScenario
{
    public static async Task RunAsync(Uri address, ServerProbe probe, string run, int pages, double eventsPerSecond, int seconds, int eventsPerPost)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var ingest = new IngestDriver(http, run, eventsPerPost);
        Console.WriteLine($"ingest: {eventsPerSecond:N0} events/s to run '{run}' in POSTs of {eventsPerPost} events + 1 log line; {seconds} s per phase; {pages} pages");

        // Warm-up: the server's JIT tiers up during the first seconds of ingest; that CPU is not the no-page level.
        await ingest.RunAsync(eventsPerSecond, TimeSpan.FromSeconds(15));
        var before = probe.Now();
        var alone = await ingest.RunAsync(eventsPerSecond, TimeSpan.FromSeconds(seconds));
        var aloneUse = probe.Between(before, probe.Now());
        Console.WriteLine($"[no pages]    load {ServerProbe.LoadAverage()}: {aloneUse}\n              {alone.Summary()}");

        await using var browser = await PageProbe.StartAsync(address, lowPriority: true);
        Console.WriteLine("              Chromium runs under SCHED_IDLE, nice 19 (a user's browser is not on the server's cores)");
        var open = new List<IPage>();
        var firstViews = new List<double>();
        // Pages open while ingest runs (as a user would open them), each first view timed.
        var opening = Task.Run(async () =>
        {
            for (var i = 0; i < pages; i++)
            {
                var view = await browser.OpenRunPageAsync(run);
                await PageProbe.ObserveAsync(view.Page);
                open.Add(view.Page);
                firstViews.Add(view.Ms);
            }
        });
        using var opened = new CancellationTokenSource();
        var during = ingest.RunAsync(eventsPerSecond, TimeSpan.FromHours(1), opened.Token);
        await opening;
        await opened.CancelAsync();
        await during;
        Console.WriteLine($"[opening]     {pages} run pages, navigation to every chart drawn while ingest ran: {Stats.P50P95(firstViews)}");
        var withPages = probe.Now();
        var measured = await ingest.RunAsync(eventsPerSecond, TimeSpan.FromSeconds(seconds));
        var pagesUse = probe.Between(withPages, probe.Now());
        Console.WriteLine($"[{pages} pages]    load {ServerProbe.LoadAverage()}: {pagesUse}\n              {measured.Summary()}");
        // A phase where no POST was answered in time (the server overloaded) has nothing to wait for.
        if (measured.Ok.Any())
        {
            await WaitForLastAsync(open, measured.Ok.Max(p => p.Seq));
        }
        await ReportRenderAsync(open, measured);

        var closing = probe.Now();
        var after = ingest.RunAsync(eventsPerSecond, TimeSpan.FromSeconds(Math.Max(15, seconds / 2)));
        foreach (var page in open)
        {
            await page.CloseAsync();
        }
        var closed = probe.Now();
        var afterResult = await after;
        var perSecond = probe.PerSecond(closed, Math.Max(15, seconds / 2) - 1);
        var level = aloneUse.Cores;
        var early = perSecond.Take(3).DefaultIfEmpty().Average();
        var late = perSecond.Skip(3).DefaultIfEmpty().Average();
        Console.WriteLine($"[closed]      pages closed in {(closed.At - closing.At).TotalMilliseconds:F0} ms; server cores per second after: " +
            string.Join(" ", perSecond.Select(c => c.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))) +
            $"\n              mean of seconds 1-3 {early:F2} cores, of seconds 4-{perSecond.Count} {late:F2} cores (no pages: {level:F2}, {pages} pages: {pagesUse.Cores:F2}); " +
            $"RSS now {probe.Now().RssMb:N0} MB; {afterResult.Summary()}");
    }

    /// <summary>Gives the pages up to 30 s to show the measured phase's last POST (a page far behind shows up in the figures, not as a cut-off).</summary>
    private static async Task WaitForLastAsync(List<IPage> pages, long lastSeq)
    {
        foreach (var page in pages)
        {
            try
            {
                await page.WaitForFunctionAsync($"() => {{ const c = document.querySelector('#logs-body tr td.wrap'); const m = c && /bench seq (\\d+)/.exec(c.textContent); return m && +m[1] >= {lastSeq}; }}",
                    null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"              a page did not show seq {lastSeq} within 30 s of the phase's end");
            }
        }
    }

    private static async Task ReportRenderAsync(List<IPage> pages, IngestResult measured)
    {
        var toLog = new List<double>();
        var toChart = new List<double>();
        var missed = 0;
        foreach (var page in pages)
        {
            var (logs, charts) = await PageProbe.CollectAsync(page);
            var state = await page.EvaluateAsync<string>("() => `folds ${document.querySelector('#run-page')?.dataset.folds}, top log '${document.querySelector('#logs-body tr td.wrap')?.textContent}'`");
            Console.WriteLine($"              page: {state}; observer saw {logs.Count} log changes, {charts.Count} chart changes");
            foreach (var post in measured.Ok)
            {
                var shown = logs.FirstOrDefault(l => l.Seq >= post.Seq);
                if (shown.At == 0)
                {
                    missed++;
                    continue;
                }
                // A page can show a commit a moment before its POST's answer arrives (publish happens at commit): that is 0.
                toLog.Add(Math.Max(0, shown.At - post.AckUnixMs));
                var drawn = charts.FirstOrDefault(c => c.At >= shown.At && c.Updates > 0);
                if (drawn.At > 0)
                {
                    toChart.Add(Math.Max(0, drawn.At - post.AckUnixMs));
                }
            }
        }
        Console.WriteLine($"              POST 2xx -> its log line on the page: {Stats.P50P95(toLog)}; not shown by the end: {missed}");
        Console.WriteLine($"              POST 2xx -> generations chart redrawn after that: {Stats.P50P95(toChart)}");
    }
}
