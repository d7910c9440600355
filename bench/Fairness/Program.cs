// Two ingest keys: key A floods with 5,000-event batches from several clients while key B sends single events one
// after the other; prints B's latency percentiles. The goal (issue 11, item 7): B's p99 stays under 50 ms.
// Starts the built dashboard (Auth:Mode=Token with two configured ingest keys) on a free port with a temporary database.
// Usage: dotnet run -c Release --project bench/Fairness -- [seconds=15] [flooders=4] [extra dashboard args...]
using System.Diagnostics;
using System.Text;

var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 15;
var flooders = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;
var extra = args.Skip(2).ToArray();
const string KeyA = "bench-key-a-flooder-0123456789abcdef";
const string KeyB = "bench-key-b-single-0123456789abcdef";
var dll = BenchServer.FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"fairness-bench-{Guid.NewGuid():N}.db");
var port = BenchServer.FreePort();
using var server = BenchServer.Start(dll, db, port, new[] { "--Auth:Mode=Token", $"--Auth:IngestKeys:0={KeyA}", $"--Auth:IngestKeys:1={KeyB}" }.Concat(extra));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
await BenchServer.WaitForHealthyAsync(http.BaseAddress!);
Console.WriteLine($"Dashboard {dll} {string.Join(' ', extra)}\n{flooders} flooding clients on key A (5,000 events per request), 1 client on key B (1 event per request), {seconds} s");

var flood = Encoding.UTF8.GetBytes("{\"run\":\"flood\",\"events\":[" +
    string.Join(",", Enumerable.Range(0, 5000).Select(i => $"{{\"type\":\"metric\",\"name\":\"m{i % 10}\",\"value\":{i}}}")) + "]}");
var single = Encoding.UTF8.GetBytes("{\"run\":\"quiet\",\"events\":[{\"type\":\"metric\",\"name\":\"q\",\"value\":1}]}");
var stop = Stopwatch.StartNew();
var floodStatuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
var floodTasks = Enumerable.Range(0, flooders).Select(async _ =>
{
    while (stop.Elapsed.TotalSeconds < seconds)
    {
        var status = await PostAsync(http, KeyA, flood);
        floodStatuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (status == 429)
        {
            await Task.Delay(50);
        }
    }
}).ToArray();
// Measured after a second of flooding, so B meets a writer that is already busy.
await Task.Delay(1000);
var latencies = new List<double>();
var singleStatuses = new Dictionary<int, int>();
while (stop.Elapsed.TotalSeconds < seconds)
{
    var t = Stopwatch.StartNew();
    var status = await PostAsync(http, KeyB, single);
    latencies.Add(t.Elapsed.TotalMilliseconds);
    singleStatuses[status] = singleStatuses.GetValueOrDefault(status) + 1;
    await Task.Delay(5);
}
await Task.WhenAll(floodTasks);
latencies.Sort();
double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine($"key A statuses: {string.Join(", ", floodStatuses.OrderBy(k => k.Key).Select(k => $"{k.Key}x{k.Value}"))}; " +
    $"{floodStatuses.GetValueOrDefault(200) * 5000 / (double)seconds:N0} events/s acknowledged");
Console.WriteLine($"key B statuses: {string.Join(", ", singleStatuses.OrderBy(k => k.Key).Select(k => $"{k.Key}x{k.Value}"))}");
Console.WriteLine($"key B single-event latency over {latencies.Count} requests: p50 {P(0.50):N1} ms, p90 {P(0.90):N1} ms, p99 {P(0.99):N1} ms, max {latencies[^1]:N1} ms");
server.Kill(entireProcessTree: true);
return P(0.99) < 50 ? 0 : 1;

static async Task<int> PostAsync(HttpClient http, string key, byte[] body)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest") { Content = new ByteArrayContent(body) };
    request.Content.Headers.ContentType = new("application/json");
    request.Headers.Authorization = new("Bearer", key);
    using var response = await http.SendAsync(request);
    return (int)response.StatusCode;
}
