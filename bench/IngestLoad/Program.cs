// Sustained ingest over real HTTP into SQLite, acknowledged only after commit.
// Starts the built dashboard as its own process on a free loopback port with a temporary database,
// drives it with concurrent clients, then checks that every acknowledged point is in the file.
// Usage: dotnet run -c Release --project bench/IngestLoad -- [seconds=15] [dashboard.dll path]
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;

var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 15;
var dll = args.Length > 1 ? args[1] : BenchServer.FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"ingest-bench-{Guid.NewGuid():N}.db");
var port = BenchServer.FreePort();
using var server = BenchServer.Start(dll, db, port, "--Auth:Mode=None", "--Ingest:QueueCapacity=10000");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
await BenchServer.WaitForHealthyAsync(http.BaseAddress!);

Console.WriteLine($"Dashboard {dll}\nDatabase {db}\n");
var batchBody = Body("batch", Enumerable.Range(0, 1000).Select(i => $"{{\"type\":\"metric\",\"name\":\"latency_{i % 20}\",\"value\":{i}.5}}"));
var batch = await RunAsync("batches of 1,000 points", http, batchBody, pointsPerRequest: 1000, concurrency: 4, seconds);
var metaBody = Body("meta", Enumerable.Range(0, 1000).Select(i =>
    $"{{\"type\":\"metric\",\"name\":\"latency_{i % 20}\",\"value\":{i}.5,\"metadata\":{{\"evaluator_type\":\"Judge\",\"score\":{i % 7},\"feedback\":\"ok #{i}\",\"flag\":true}}}}"));
var meta = await RunAsync("batches of 1,000 points with 4 metadata keys", http, metaBody, pointsPerRequest: 1000, concurrency: 4, seconds);
var singleBody = Body("single", ["{\"type\":\"generation\",\"duration\":1.25,\"success\":true}"]);
var single = await RunAsync("single-event requests (2 points each)", http, singleBody, pointsPerRequest: 2, concurrency: 64, seconds);

var stored = CountPoints(db);
Console.WriteLine($"\nAcknowledged points: {batch.Points + meta.Points + single.Points:N0}; stored in the file: {stored:N0}");
server.Kill(entireProcessTree: true);
return stored == batch.Points + meta.Points + single.Points ? 0 : 1;

static async Task<(long Requests, long Points)> RunAsync(string label, HttpClient http, byte[] body, int pointsPerRequest, int concurrency, int seconds)
{
    long ok = 0, rejected = 0;
    var stop = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync("/api/v1/ingest", content);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref ok);
            }
            else
            {
                Interlocked.Increment(ref rejected);
            }
        }
    });
    await Task.WhenAll(workers);
    var elapsed = stop.Elapsed.TotalSeconds;
    Console.WriteLine($"{label}: {ok / elapsed:N0} requests/s, {ok * pointsPerRequest / elapsed:N0} points/s " +
        $"({ok:N0} acknowledged, {rejected:N0} refused, {concurrency} clients, {elapsed:N1} s)");
    return (ok, ok * pointsPerRequest);
}

static byte[] Body(string run, IEnumerable<string> events) =>
    Encoding.UTF8.GetBytes($"{{\"run\":\"{run}\",\"events\":[{string.Join(",", events)}]}}");

static long CountPoints(string db)
{
    using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
    c.Open();
    using var cmd = c.CreateCommand();
    cmd.CommandText = "SELECT COUNT(*) FROM points";
    return (long)cmd.ExecuteScalar()!;
}
