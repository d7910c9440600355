// PostgreSQL beside SQLite, in one run (issue 13's figures):
//  1. ingest points/s over HTTP (batches of 1,000 points, 4 clients, 2xx only after commit) into a dashboard on
//     PostgreSQL and one on SQLite, and raw binary COPY of the same rows into the same PostgreSQL points table
//     (same indexes, same partitions): the database's own ceiling on this machine;
//  2. stats, series and run-page latency at N points (default 10,000,000) in one run, on both providers.
// Needs a PostgreSQL server: DASHBOARD_TEST_POSTGRES (scripts/pg-throwaway.sh start prints it); each phase makes
// its own database there. Usage:
//   eval "$(bash scripts/pg-throwaway.sh start)"; dotnet build -c Release src/Dashboard
//   dotnet run -c Release --project bench/Postgres -- [ingest seconds=10] [read points=10000000]
//   bash scripts/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var readPoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
var server = Environment.GetEnvironmentVariable("DASHBOARD_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set DASHBOARD_TEST_POSTGRES (eval \"$(bash scripts/pg-throwaway.sh start)\").");
var dll = BenchServer.FindDashboardDll();
var dayStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 / 86_400_000_000 * 86_400_000_000;

Console.WriteLine("== Ingest (batches of 1,000 metric points, 4 clients) ==");
var pgIngest = NewDatabase(server, "ingest");
await using (var pg = await Dashboard(dll, "PostgreSQL", pgIngest))
{
    var http = await IngestAsync(pg.Http, seconds);
    var stored = PgScalar(pgIngest, "SELECT COUNT(*) FROM points");
    var copy = RawCopy(pgIngest, seconds, dayStart);
    Console.WriteLine($"PostgreSQL over HTTP: {http.PointsPerSecond:N0} points/s ({http.Points:N0} acknowledged, {stored:N0} stored)");
    Console.WriteLine($"PostgreSQL raw binary COPY, same table: {copy:N0} rows/s; HTTP / COPY = {http.PointsPerSecond / copy:P0}");
}
var sqlitePath = Path.Combine(Path.GetTempPath(), $"pg-bench-{Guid.NewGuid():N}.db");
await using (var sqlite = await Dashboard(dll, "Sqlite", $"Data Source={sqlitePath}"))
{
    var http = await IngestAsync(sqlite.Http, seconds);
    Console.WriteLine($"SQLite over HTTP: {http.PointsPerSecond:N0} points/s ({http.Points:N0} acknowledged)");
}

Console.WriteLine($"\n== Reads at {readPoints:N0} points in one run (median of 5, after one warm-up) ==");
var pgRead = NewDatabase(server, "read");
var sqliteRead = Path.Combine(Path.GetTempPath(), $"pg-bench-read-{Guid.NewGuid():N}.db");
// Each dashboard creates its schema; the points are then loaded straight into the store, as a long run would leave them.
await using (var pg = await Dashboard(dll, "PostgreSQL", pgRead))
{
    await Json(pg.Http, "{\"type\":\"metric\",\"name\":\"warm\",\"value\":1}");
}
await using (var sqlite = await Dashboard(dll, "Sqlite", $"Data Source={sqliteRead}"))
{
    await Json(sqlite.Http, "{\"type\":\"metric\",\"name\":\"warm\",\"value\":1}");
}
var fill = Stopwatch.StartNew();
FillPostgres(pgRead, readPoints, dayStart);
Console.WriteLine($"filled PostgreSQL in {fill.Elapsed.TotalSeconds:N1} s");
fill.Restart();
FillSqlite(sqliteRead, readPoints, dayStart);
Console.WriteLine($"filled SQLite in {fill.Elapsed.TotalSeconds:N1} s");
string[] urls =
[
    "/api/v1/runs/big/stats?name=generation_time&window=all",
    $"/api/v1/runs/big/series?name=generation_time",
    "/api/v1/runs/big/page-data?range=all",
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

static async Task<(long Points, double PointsPerSecond)> IngestAsync(HttpClient http, int seconds)
{
    var body = Encoding.UTF8.GetBytes("{\"run\":\"ingest\",\"events\":[" + string.Join(",", Enumerable.Range(0, 1000)
        .Select(i => $"{{\"type\":\"metric\",\"name\":\"latency_{i % 20}\",\"value\":{i}.5}}")) + "]}");
    long ok = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
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
static double RawCopy(string connection, int seconds, long dayStart)
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
    return rows / clock.Elapsed.TotalSeconds;
}

static IEnumerable<(long Ts, int Metric, double Value)> Points(int total, long dayStart)
{
    var random = new Random(7);
    // 8 metrics per generation, one generation every 10 ms: 10M points span about 3.5 hours of one day.
    for (var i = 0; i < total; i++)
    {
        var m = i % 8;
        yield return (dayStart + (i / 8) * 10_000L, m + 1, m == 0 ? random.NextDouble() * 10 : m == 1 ? (random.NextDouble() < 0.93 ? 1 : 0) : random.Next(1, 900));
    }
}

static string[] MetricNames() => ["generation_time", "success_rate", "prompt_token_count", "completion_token_count", "total_token_count",
    "conversation_length", "evaluation_time", "latency"];

static void FillPostgres(string connection, int total, long dayStart)
{
    using var c = new NpgsqlConnection(connection);
    c.Open();
    PgExec(c, "INSERT INTO runs (name, project, created_at, last_received_at) VALUES ('big', 'bench', 0, 0)");
    var runId = (long)PgScalar(c, "SELECT id FROM runs WHERE name = 'big'");
    var ids = MetricNames().Select(m => (long)PgScalar(c, $"INSERT INTO metric_names (name) VALUES ('{m}') ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id")).ToArray();
    using (var copy = c.BeginBinaryImport("COPY points (run_id, metric_id, ts, value) FROM STDIN (FORMAT BINARY)"))
    {
        foreach (var (ts, m, v) in Points(total, dayStart))
        {
            copy.StartRow();
            copy.Write(runId, NpgsqlDbType.Bigint);
            copy.Write(ids[m - 1], NpgsqlDbType.Bigint);
            copy.Write(ts, NpgsqlDbType.Bigint);
            copy.Write(v, NpgsqlDbType.Double);
        }
        copy.Complete();
    }
    PgExec(c, $"""
        INSERT INTO run_metrics (run_id, metric_id, count, sum, min, max, last_value, last_ts)
        SELECT run_id, metric_id, COUNT(*), SUM(value), MIN(value), MAX(value), 0, MAX(ts) FROM points WHERE run_id = {runId} GROUP BY run_id, metric_id;
        UPDATE runs SET first_ts = {dayStart}, last_ts = (SELECT MAX(ts) FROM points WHERE run_id = {runId}), event_count = {total / 8} WHERE id = {runId};
        VACUUM ANALYZE points;
        """);
}

static void FillSqlite(string path, int total, long dayStart)
{
    using var c = new SqliteConnection($"Data Source={path}");
    c.Open();
    using var tx = c.BeginTransaction();
    SqliteExec(c, "INSERT INTO runs (name, project, created_at, last_received_at) VALUES ('big', 'bench', 0, 0)");
    var runId = (long)SqliteScalar(c, "SELECT id FROM runs WHERE name = 'big'");
    var ids = MetricNames().Select(m => (long)SqliteScalar(c, $"INSERT INTO metric_names (name) VALUES ('{m}') ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id")).ToArray();
    using var insert = c.CreateCommand();
    insert.CommandText = "INSERT INTO points (run_id, metric_id, ts, value) VALUES ($r, $m, $t, $v)";
    var (pr, pm, pt, pv) = (insert.Parameters.Add("$r", SqliteType.Integer), insert.Parameters.Add("$m", SqliteType.Integer),
        insert.Parameters.Add("$t", SqliteType.Integer), insert.Parameters.Add("$v", SqliteType.Real));
    insert.Prepare();
    pr.Value = runId;
    foreach (var (ts, m, v) in Points(total, dayStart))
    {
        (pm.Value, pt.Value, pv.Value) = (ids[m - 1], ts, v);
        insert.ExecuteNonQuery();
    }
    SqliteExec(c, $"""
        INSERT INTO run_metrics (run_id, metric_id, count, sum, min, max, last_value, last_ts)
        SELECT run_id, metric_id, COUNT(*), SUM(value), MIN(value), MAX(value), 0, MAX(ts) FROM points WHERE run_id = {runId} GROUP BY run_id, metric_id;
        UPDATE runs SET first_ts = {dayStart}, last_ts = (SELECT MAX(ts) FROM points WHERE run_id = {runId}), event_count = {total / 8} WHERE id = {runId};
        """);
    tx.Commit();
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

static async Task Json(HttpClient http, string evt)
{
    using var content = new StringContent("{\"run\":\"warm\",\"events\":[" + evt + "]}", Encoding.UTF8, "application/json");
    (await http.PostAsync("/api/v1/ingest", content)).EnsureSuccessStatusCode();
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

static object SqliteScalar(SqliteConnection c, string sql)
{
    using var cmd = c.CreateCommand();
    cmd.CommandText = sql;
    return cmd.ExecuteScalar()!;
}

static void SqliteExec(SqliteConnection c, string sql)
{
    using var cmd = c.CreateCommand();
    cmd.CommandText = sql;
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
