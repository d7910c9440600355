// GET /metrics scrape time with many runs, over real HTTP against the built dashboard.
// Starts the Release build as its own process on a free loopback port with a temporary database, posts
// generations (3 models), evaluations (2 scores) and for every 10th run an external alert, then times
// sequential scrapes. Usage: dotnet run -c Release --project bench/Metrics -- [runs=1000] [scrapes=50] [dashboard.dll]
using System.Diagnostics;
using System.Globalization;
using System.Text;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var scrapes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var dll = args.Length > 2 ? args[2] : BenchServer.FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"metrics-bench-{Guid.NewGuid():N}.db");
var port = BenchServer.FreePort();
using var server = BenchServer.Start(dll, db, port, "--Auth:Mode=None", "--Auth:RateLimitPerSecond=0", $"--Metrics:MaxRuns={Math.Max(runs, 1)}");
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
await BenchServer.WaitForHealthyAsync(http.BaseAddress!);

var models = new[] { "gpt-4o", "gpt-4o-mini", "llama-3.1-70b" };
var seed = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, runs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
{
    var events = new List<string>();
    for (var i = 0; i < 24; i++)
    {
        events.Add(string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"generation","duration":{{0.2 + (i * 0.37 % 6)}},"success":{{(i % 9 != 0 ? "true" : "false")}},"model_name":"{{models[i % 3]}}","prompt_token_count":{{200 + i}},"completion_token_count":{{50 + i}},"total_token_count":{{250 + 2 * i}}}"""));
    }
    for (var i = 0; i < 2; i++)
    {
        events.Add("""{"type":"evaluation","duration":1.5,"success":true,"evaluator_type":"judge","scores":{"coherence":0.8,"helpfulness":0.7}}""");
    }
    using var content = new StringContent($"{{\"run\":\"run-{r:D5}\",\"events\":[{string.Join(",", events)}]}}", Encoding.UTF8, "application/json");
    (await http.PostAsync("/api/v1/ingest", content, ct)).EnsureSuccessStatusCode();
    if (r % 10 == 0)
    {
        using var alert = new StringContent($"{{\"message\":\"drift\",\"severity\":\"warning\",\"metric_name\":\"drift\",\"run\":\"run-{r:D5}\"}}", Encoding.UTF8, "application/json");
        (await http.PostAsync("/api/v1/alerts", alert, ct)).EnsureSuccessStatusCode();
    }
});
Console.WriteLine($"Dashboard {dll}\nSeeded {runs:N0} runs ({runs * 26:N0} events) in {seed.Elapsed.TotalSeconds:N1} s\n");

for (var i = 0; i < 5; i++)
{
    await http.GetStringAsync("/metrics");
}
var times = new List<double>();
string body = "";
server.Refresh();
var cpuBefore = server.TotalProcessorTime;
for (var i = 0; i < scrapes; i++)
{
    var sw = Stopwatch.StartNew();
    body = await http.GetStringAsync("/metrics");
    times.Add(sw.Elapsed.TotalMilliseconds);
}
server.Refresh();
var cpuPerScrape = (server.TotalProcessorTime - cpuBefore).TotalMilliseconds / scrapes;
times.Sort();
var series = body.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
var runLabels = body.Split('\n').Where(l => l.StartsWith("dashboard_generations_total{", StringComparison.Ordinal))
    .Select(l => l[..l.IndexOf(",model", StringComparison.Ordinal)]).Distinct().Count();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"/metrics with {runLabels:N0} runs: {series:N0} series, {body.Length / 1024.0:N0} KB; {scrapes} sequential scrapes: " +
    $"median {times[times.Count / 2]:N1} ms, p95 {times[(int)(times.Count * 0.95)]:N1} ms, max {times[^1]:N1} ms; " +
    $"dashboard CPU {cpuPerScrape:N1} ms per scrape"));
Console.WriteLine($"Load average: {File.ReadAllText("/proc/loadavg").Trim()}");
server.Kill(entireProcessTree: true);
return 0;
