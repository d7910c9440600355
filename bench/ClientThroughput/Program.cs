// End-to-end throughput of the .NET client: one DashboardClient sends N typed generation events (7 points
// each) as fast as the caller can make the calls, into the built dashboard started as its own process on a
// free loopback port with a temporary database; the clock stops when DisposeAsync has delivered everything.
// Then the stored count is checked against what was sent.
// Usage: dotnet run -c Release --project bench/ClientThroughput -- [events=200000] [dashboard.dll path]
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dashboard.Client;

var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
var dll = args.Length > 1 ? args[1] : FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"client-bench-{Guid.NewGuid():N}.db");
var port = FreePort();
using var server = StartServer(dll, db, port);
var address = new Uri($"http://127.0.0.1:{port}");
await WaitForHealthyAsync(address);
Console.WriteLine($"Dashboard {dll}\nDatabase {db}\n");

var failed = false;
foreach (var batchSize in new[] { 100, 500, 2000 })
{
    var run = $"bench-{batchSize}";
    var client = new DashboardClient(new DashboardClientOptions { BaseAddress = address, Run = run, BatchSize = batchSize });
    var clock = Stopwatch.StartNew();
    var start = DateTimeOffset.UtcNow;
    for (var i = 0; i < events; i++)
    {
        await client.TrackGenerationAsync(new GenerationEvent
        {
            Timestamp = start.AddTicks(i * 10),
            Duration = 1 + i % 13 * 0.1, Success = i % 20 != 0, ModelName = i % 2 == 0 ? "gpt-4o-mini" : "meta-llama/Llama-3.1-8B-Instruct",
            FinishReason = "stop", PromptTokenCount = 200 + i % 50, CompletionTokenCount = 120, TotalTokenCount = 320 + i % 50,
        });
    }
    var calls = clock.Elapsed;
    await client.DisposeAsync();
    var elapsed = clock.Elapsed;
    await using var queries = new DashboardQueries(address, run);
    var stored = (await queries.GetStatsAsync("generation_time")).Count;
    var status = client.Status;
    Console.WriteLine($"batch size {batchSize,5}: {events / elapsed.TotalSeconds,9:N0} events/s ({events * 7 / elapsed.TotalSeconds,9:N0} points/s) " +
        $"end to end in {elapsed.TotalSeconds:N1} s; calls took {calls.TotalSeconds:N1} s; stored {stored:N0}/{events:N0}; " +
        $"retries {status.Retries}, failed {status.Failed}");
    failed |= stored != events || status.Failed != 0;
}
server.Kill(entireProcessTree: true);
return failed ? 1 : 0;

static Process StartServer(string dll, string db, int port)
{
    var info = new ProcessStartInfo("dotnet")
    {
        ArgumentList = { dll, $"--Urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Dashboard=Data Source={db}", "--Auth:Mode=None",
            "--Logging:LogLevel:Default=Warning" },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        WorkingDirectory = Path.GetDirectoryName(dll)!,
    };
    var p = Process.Start(info)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

static async Task WaitForHealthyAsync(Uri address)
{
    using var http = new HttpClient { BaseAddress = address };
    for (var i = 0; i < 200; i++)
    {
        try
        {
            using var r = await http.GetAsync("/healthz");
            if (r.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }
        await Task.Delay(100);
    }
    throw new TimeoutException("The dashboard did not become healthy.");
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

static string FindDashboardDll()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "src", "Dashboard", "bin", "Release", "net10.0", "Dashboard.dll");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }
    throw new FileNotFoundException("Build the dashboard first: dotnet build -c Release src/Dashboard");
}
