using System.Globalization;
using Dashboard.Bench.LivePages;

// Live pages and first views, end to end (issues 10 and 14): the Release dashboard as its own process on a temp copy of
// a filled SQLite file (Auth:Mode=None), Debian's Chromium through Playwright, ingest over HTTP. See bench/README.md
// "Live pages, end to end" for the commands and figures.
//   fill <points> <file>                     one run 'big' of N points through the writer (cached; reused by the others)
//   grow <file> <target> <copies>            <target> = the run of <file> copied <copies> times, 2 h apart (100M from 10M)
//   live <file> [pages=10] [events/s=1000] [seconds=30] [events/POST=100]
//   firstview <file> [reps=10] [page-reps=reps]  first views and API answers on the run of <file> (opened in place)
//   firstview-profile <file> [reps=5] [query]   where a warm first view's time goes (phases, long tasks)
//   overview [runs=10000] [reps=50]
//   fold [events/s=12500] [ticks=30] [pages=10]  the live fold's own CPU per tick, in process (no server, no browser)
var mode = args.Length > 0 ? args[0] : "";
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
switch (mode)
{
    case "fill":
        Fill.BigRun(args[2], long.Parse(args[1], CultureInfo.InvariantCulture), "big");
        return 0;
    case "grow":
        Grow.Run(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        return 0;
    case "live":
    {
        var copy = Fill.CopyToTemp(args[1]);
        try
        {
            await WithServerAsync(copy, (address, probe) =>
                LiveScenario.RunAsync(address, probe, "big", Arg(2, 10), Arg(3, 1000), Arg(4, 30), Arg(5, 100)));
        }
        finally
        {
            Fill.Delete(copy);
        }
        return 0;
    }
    case "fold":
        FoldScenario.Run(Arg(1, 12_500), Arg(2, 30), Arg(3, 10));
        return 0;
    case "firstview":
        await WithServerAsync(args[1], (address, _) => FirstViewScenario.RunAsync(address, "big", Arg(2, 10), Arg(3, Arg(2, 10))));
        return 0;
    case "firstview-profile":
        await WithServerAsync(args[1], (address, _) => FirstViewProfile.RunAsync(address, "big", Arg(2, 5), args.Length > 3 ? args[3] : ""));
        return 0;
    case "overview":
    {
        var db = Path.Combine(Path.GetTempPath(), $"livepages-overview-{Guid.NewGuid():N}.db");
        try
        {
            Fill.ManyRuns(db, Arg(1, 10_000));
            await WithServerAsync(db, (address, _) => OverviewScenario.RunAsync(address, Arg(2, 50)));
        }
        finally
        {
            Fill.Delete(db);
        }
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: fill <points> <file> | live <file> [pages] [events/s] [seconds] [events/POST] | firstview <file> [reps] [page-reps] | overview [runs] [reps] | fold [events/s] [ticks] [pages]");
        return 2;
}

static async Task WithServerAsync(string db, Func<Uri, ServerProbe, Task> scenario)
{
    var port = BenchServer.FreePort();
    var address = new Uri($"http://127.0.0.1:{port}/");
    using var server = BenchServer.Start(BenchServer.FindDashboardDll(), db, port, "--Auth:Mode=None");
    try
    {
        // Start-up checks the file (PRAGMA quick_check reads every page: about a second per GB on a quiet machine, much more
        // on a loaded one), so a 6 GB file may take minutes: wait up to 10.
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await BenchServer.WaitForHealthyAsync(address);
                break;
            }
            catch (TimeoutException) when (attempt < 20 && !server.HasExited)
            {
            }
        }
        Console.WriteLine($"healthy after {started.Elapsed.TotalSeconds:F0} s");
        await using var probe = new ServerProbe(server.Id);
        Console.WriteLine($"server pid {server.Id} on {address}, database {db} ({new FileInfo(db).Length / 1e6:N0} MB); RSS at start {probe.Now().RssMb:N0} MB");
        await scenario(address, probe);
    }
    finally
    {
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }
}
