// End-to-end throughput of the .NET client: one DashboardClient sends N typed generation events (7 points
// each) as fast as the caller can make the calls, into the built dashboard started as its own process on a
// free loopback port with a temporary database; the clock stops when DisposeAsync has delivered everything.
// Then the stored count is checked against what was sent.
// Usage: dotnet run -c Release --project bench/ClientThroughput -- [events=200000] [dashboard.dll path]
using System.Diagnostics;
using Dashboard.Client;

var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
var dll = args.Length > 1 ? args[1] : BenchServer.FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"client-bench-{Guid.NewGuid():N}.db");
var port = BenchServer.FreePort();
using var server = BenchServer.Start(dll, db, port, "--Auth:Mode=None");
var address = new Uri($"http://127.0.0.1:{port}");
await BenchServer.WaitForHealthyAsync(address);
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
