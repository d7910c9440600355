// PostgreSQL beside SQLite, in one run (issue 13's figures):
//  1. ingest points/s over HTTP (batches of 1,000 points, 4 clients, 2xx only after commit) into a dashboard on
//     PostgreSQL and one on SQLite, and raw binary COPY of the same rows into the same PostgreSQL points table
//     (same indexes, same partitions): the database's own ceiling on this machine;
//  2. two dashboards on one PostgreSQL (2 clients each) against one (4 clients), same batches;
//  3. stats, series, tokens, page-data and the run page's first view (HTML) at N points (default 10,000,000) in one run, on both providers, the run
//     filled over HTTP (generation events with timestamps), so each store holds exactly what its writer keeps
//     (SQLite's rollups included).
// Needs a PostgreSQL server: DASHBOARD_TEST_POSTGRES (scripts/pg-throwaway.sh start prints it); each phase makes
// its own database there. Usage:
//   eval "$(bash scripts/pg-throwaway.sh start)"; dotnet build -c Release src/Dashboard
//   dotnet run -c Release --project bench/Postgres -- [ingest seconds=10] [read points=10000000] [ingest]
//   bash scripts/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"
// A third argument "ingest" runs only phase 1 on PostgreSQL (HTTP against raw COPY), for A/B runs of the writer:
// DASHBOARD_DLL=/path/to/other/build/Dashboard.dll picks the dashboard build to start (default: this checkout's Release).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using NpgsqlTypes;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var readPoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
var server = Environment.GetEnvironmentVariable("DASHBOARD_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set DASHBOARD_TEST_POSTGRES (eval \"$(bash scripts/pg-throwaway.sh start)\").");
var ingestOnly = args.Length > 2 && args[2] == "ingest";
var dll = Environment.GetEnvironmentVariable("DASHBOARD_DLL") is { Length: > 0 } chosen ? chosen : BenchServer.FindDashboardDll();
var dayStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 / 86_400_000_000 * 86_400_000_000;

Console.WriteLine("== Ingest (batches of 1,000 metric points, 4 clients) ==");
var pgIngest = NewDatabase(server, "ingest");
await using (var pg = await Dashboard(dll, "PostgreSQL", pgIngest))
{
    // Warm-ups, not counted: the server's first seconds are spent compiling (tiered JIT) at a fraction of its steady
    // speed, and a 10-second figure taken from a cold start measured that more than the writer.
    await IngestAsync(pg.Http, WarmUp(seconds));
    RawCopy(pgIngest, 1, dayStart);
    var warm = (long)PgScalar(pgIngest, "SELECT COUNT(*) FROM points");
    var before = CpuUse.Take(pg.Process);
    var http = await IngestAsync(pg.Http, seconds);
    var httpCpu = CpuUse.Take(pg.Process) - before;
    var stored = (long)PgScalar(pgIngest, "SELECT COUNT(*) FROM points") - warm;
    before = CpuUse.Take(pg.Process);
    var copy = RawCopy(pgIngest, seconds, dayStart);
    var copyCpu = CpuUse.Take(pg.Process) - before;
    Console.WriteLine($"PostgreSQL over HTTP: {http.PointsPerSecond:N0} points/s ({http.Points:N0} acknowledged, {stored:N0} stored)");
    Console.WriteLine($"PostgreSQL raw binary COPY, same table: {copy.RowsPerSecond:N0} rows/s; HTTP / COPY = {http.PointsPerSecond / copy.RowsPerSecond:P0}");
    // CPU per 1,000 points is what the two cores are shared out by: far less noisy under load than points/s.
    Console.WriteLine($"CPU per 1,000 points, HTTP: {httpCpu.Per1000(http.Points)}");
    Console.WriteLine($"CPU per 1,000 rows, COPY:   {copyCpu.Per1000(copy.Rows)}");
}
if (ingestOnly)
{
    return 0;
}
var sqlitePath = Path.Combine(Path.GetTempPath(), $"pg-bench-{Guid.NewGuid():N}.db");
await using (var sqlite = await Dashboard(dll, "Sqlite", $"Data Source={sqlitePath}"))
{
    await IngestAsync(sqlite.Http, WarmUp(seconds));
    var http = await IngestAsync(sqlite.Http, seconds);
    Console.WriteLine($"SQLite over HTTP: {http.PointsPerSecond:N0} points/s ({http.Points:N0} acknowledged)");
}

Console.WriteLine("\n== Two dashboards on one PostgreSQL (2 clients each) against one (4 clients) ==");
var pgTwo = NewDatabase(server, "two");
await using (var a = await Dashboard(dll, "PostgreSQL", pgTwo))
await using (var b = await Dashboard(dll, "PostgreSQL", pgTwo))
{
    await Task.WhenAll(IngestAsync(a.Http, WarmUp(seconds), clients: 2, run: "two-a"), IngestAsync(b.Http, WarmUp(seconds), clients: 2, run: "two-b"));
    var both = await Task.WhenAll(IngestAsync(a.Http, seconds, clients: 2, run: "two-a"), IngestAsync(b.Http, seconds, clients: 2, run: "two-b"));
    Console.WriteLine($"two instances: {both.Sum(r => r.PointsPerSecond):N0} points/s together ({both[0].PointsPerSecond:N0} + {both[1].PointsPerSecond:N0})");
}

Console.WriteLine($"\n== Reads at about {readPoints:N0} points in one run (median of 5, after one warm-up) ==");
var pgRead = NewDatabase(server, "read");
var sqliteRead = Path.Combine(Path.GetTempPath(), $"pg-bench-read-{Guid.NewGuid():N}.db");
foreach (var (provider, connection) in new[] { ("PostgreSQL", pgRead), ("Sqlite", $"Data Source={sqliteRead}") })
{
    await using var d = await Dashboard(dll, provider, connection);
    var fill = Stopwatch.StartNew();
    var stored = await FillAsync(d.Http, readPoints, dayStart);
    Console.WriteLine($"filled {provider} over HTTP with {stored:N0} points in {fill.Elapsed.TotalSeconds:N1} s ({stored / fill.Elapsed.TotalSeconds:N0} points/s)");
}
if (PgScalar(pgRead, "SELECT 1") is not null)
{
    using var c = new NpgsqlConnection(pgRead);
    c.Open();
    // A long-lived store has been vacuumed: the visibility map lets series reads stay index-only.
    PgExec(c, "VACUUM ANALYZE points");
}
string[] urls =
[
    "/api/v1/runs/big/stats?name=generation_time&window=all",
    $"/api/v1/runs/big/series?name=generation_time",
    "/api/v1/runs/big/tokens?window=all",
    "/api/v1/runs/big/page-data?range=all",
    // The interactive run page's first view (prerendered: RunPageLoader, from rollups on both providers).
    "/runs/big?range=all",
];
foreach (var (provider, connection) in new[] { ("PostgreSQL", pgRead), ("Sqlite", $"Data Source={sqliteRead}") })
{
    await using var d = await Dashboard(dll, provider, connection);
    foreach (var url in urls)
    {
        Console.WriteLine($"{provider,-10} {url}: {await MedianMsAsync(d.Http, url):N0} ms");
    }
}
return 0;

// Seconds of ingest before a measured phase: long enough for the JIT's tiers to settle.
static int WarmUp(int seconds) => Math.Clamp(seconds / 2, 1, 5);

static async Task<(long Points, double PointsPerSecond)> IngestAsync(HttpClient http, int seconds, int clients = 4, string run = "ingest")
{
    var body = Encoding.UTF8.GetBytes("{\"run\":\"" + run + "\",\"events\":[" + string.Join(",", Enumerable.Range(0, 1000)
        .Select(i => $"{{\"type\":\"metric\",\"name\":\"latency_{i % 20}\",\"value\":{i}.5}}")) + "]}");
    long ok = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync("/api/v1/ingest", content);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref ok);
            }
        }
    }));
    return (ok * 1000, ok * 1000 / clock.Elapsed.TotalSeconds);
}

// The same 1,000-row batches as the HTTP phase, each its own transaction, into the dashboard's own points table.
static (double RowsPerSecond, long Rows) RawCopy(string connection, int seconds, long dayStart)
{
    using var c = new NpgsqlConnection(connection);
    c.Open();
    long rows = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        using var tx = c.BeginTransaction();
        using (var copy = c.BeginBinaryImport("COPY points (run_id, metric_id, ts, value, model_name, metadata) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < 1000; i++)
            {
                copy.StartRow();
                copy.Write(999_999L, NpgsqlDbType.Bigint);
                copy.Write((long)(i % 20 + 1), NpgsqlDbType.Bigint);
                copy.Write(dayStart + rows + i, NpgsqlDbType.Bigint);
                copy.Write(i + 0.5, NpgsqlDbType.Double);
                copy.WriteNull();
                copy.WriteNull();
            }
            copy.Complete();
        }
        tx.Commit();
        rows += 1000;
    }
    return (rows / clock.Elapsed.TotalSeconds, rows);
}

// Generation events of 6 points each (generation_time, success_rate, three token counts, evaluation...), one every
// 10 ms of one day, posted by 4 clients in batches of 2,000 events; returns the points stored.
static async Task<long> FillAsync(HttpClient http, int points, long dayStart)
{
    const int batch = 2_000;
    var events = 0;
    var sent = 0;
    var perEvent = 0;
    var gate = new object();
    await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        while (true)
        {
            int first;
            lock (gate)
            {
                if (perEvent > 0 && (long)sent * perEvent >= points)
                {
                    return;
                }
                first = sent;
                sent += batch;
            }
            var random = new Random(first);
            var body = new StringBuilder("{\"run\":\"big\",\"events\":[");
            for (var i = first; i < first + batch; i++)
            {
                var ts = DateTimeOffset.FromUnixTimeMilliseconds((dayStart / 1000) + i * 10L).ToString("O", CultureInfo.InvariantCulture);
                body.Append(i > first ? "," : "").Append(CultureInfo.InvariantCulture, $$"""
                    {"type":"generation","timestamp":"{{ts}}","duration":{{random.NextDouble() * 10:F4}},"success":{{(random.NextDouble() < 0.93 ? "true" : "false")}},"model_name":"m{{i % 3}}","prompt_token_count":{{random.Next(1, 900)}},"completion_token_count":{{random.Next(1, 900)}},"total_token_count":{{random.Next(2, 1800)}}}
                    """);
            }
            body.Append("]}");
            var text = body.ToString();
            HttpResponseMessage response;
            while (true)
            {
                using var content = new StringContent(text, Encoding.UTF8, "application/json");
                response = await http.PostAsync("/api/v1/ingest", content);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
                // Back-pressure (429/503): the same batch again, a little later.
                response.Dispose();
                await Task.Delay(50);
            }
            var reply = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            response.Dispose();
            lock (gate)
            {
                events += batch;
                if (perEvent == 0 && reply.TryGetProperty("points", out var p))
                {
                    perEvent = p.GetInt32() / batch;
                }
            }
        }
    }));
    var metrics = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/v1/runs/big/metrics")).RootElement;
    return metrics.EnumerateArray().Sum(m => m.GetProperty("count").GetInt64());
}

static async Task<double> MedianMsAsync(HttpClient http, string url)
{
    (await http.GetAsync(url)).EnsureSuccessStatusCode();
    var times = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return times.Order().ElementAt(2);
}

static async Task<RunningDashboard> Dashboard(string dll, string provider, string connection)
{
    var port = BenchServer.FreePort();
    var process = BenchServer.Start(dll, "unused.db", port, "--Auth:Mode=None", "--Ingest:QueueCapacity=10000",
        $"--Storage:Provider={provider}", $"--ConnectionStrings:Dashboard={connection}");
    var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5),
    };
    await BenchServer.WaitForHealthyAsync(http.BaseAddress);
    return new RunningDashboard(process, http);
}

static string NewDatabase(string server, string purpose)
{
    var name = $"bench_{purpose}_{Guid.NewGuid():N}"[..40];
    using var c = new NpgsqlConnection(server);
    c.Open();
    PgExec(c, $"CREATE DATABASE {name}");
    return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
}

static object PgScalar(object connection, string sql)
{
    if (connection is string s)
    {
        using var c = new NpgsqlConnection(s);
        c.Open();
        return PgScalar(c, sql);
    }
    using var cmd = new NpgsqlCommand(sql, (NpgsqlConnection)connection);
    return cmd.ExecuteScalar()!;
}

static void PgExec(NpgsqlConnection c, string sql)
{
    using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 600 };
    cmd.ExecuteNonQuery();
}


sealed record RunningDashboard(Process Process, HttpClient Http) : IAsyncDisposable
{
    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
        return ValueTask.CompletedTask;
    }
}
