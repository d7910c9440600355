using System.Diagnostics;
using Dashboard.Core;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Runs;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Queries at scale (issue 14): answers over one run of N points through the real writer (points + rollups), fast
// path against the raw computation; events/min for one overview page over 10,000 runs; ingest latency while a run is
// purged. Usage: dotnet run -c Release --project bench/Rollups [points=1000000] [runs=10000] [keep-file] [queries-only]
// (queries-only: stop after the big run's answers: no overview, no purge; no-raw-page: skip the raw run page "all";
// purge-only: fill the big run, then only the purge step; summaries: the prediction and pipeline summaries instead;
// retention: events 10 ms apart, then retention cutting the run 2 h in while ingest commits, nothing else;
// pageload FILE [reps] [run]: the run page's first view from an existing file, read only).
if (args.Length > 1 && args[0] == "pageload")
{
    Dashboard.Bench.Rollups.PageLoadBench.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20,
        args.Length > 3 ? args[3] : "big");
    return;
}
var total = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var runCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
var path = Path.Combine(Path.GetTempPath(), $"dashboard-bench-rollups-{Guid.NewGuid():N}.db");
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = $"Data Source={path}" }).Build();
var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
new SchemaMigrator(connections, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
var writer = new SqlitePointWriter(connections, TimeProvider.System);
var points = new SqliteMetricReader(connections);
string[] models = ["gpt-4o-mini", "llama-3.1-8b", "claude-haiku"];
if (args.Contains("summaries"))
{
    SummaryBench.Run(connections, writer, total);
    writer.Dispose();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (var f in new[] { path, path + "-wal", path + "-shm" })
    {
        File.Delete(f);
    }
    return;
}

// One generation event = 6 points (generation_time, success_rate, three token counts, conversation_length), 1 ms apart.
const int PerEvent = 6;
var start = 1_795_000_000_000_000L;
var events = total / PerEvent;
var random = new Random(7);
// retention: events at least 10 ms apart and over at least 4 h (10M points: 10 ms, 4.6 h), so a cut 2 h in deletes
// part of the run and keeps the rest.
var retention = args.Contains("retention");
var spacing = retention ? Math.Max(10_000L, 4 * 3_600_000_000L / events) : 1_000L;
var fill = Stopwatch.StartNew();
for (long done = 0; done < events;)
{
    var batch = new List<ExpandedEvent>(2000);
    for (var i = 0; i < 2000 && done < events; i++, done++)
    {
        var ts = start + done * spacing;
        var model = models[done % models.Length];
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
        e.Points.Add(new MetricPoint("generation_time", ts, Math.Exp(random.NextDouble() * 3) / 4, null, null));
        e.Points.Add(new MetricPoint("success_rate", ts, random.NextDouble() < 0.93 ? 1 : 0, null, null));
        var prompt = random.Next(100, 900);
        var completion = random.Next(10, 400);
        e.Points.Add(new MetricPoint("prompt_token_count", ts, prompt, model, null));
        e.Points.Add(new MetricPoint("completion_token_count", ts, completion, model, null));
        e.Points.Add(new MetricPoint("total_token_count", ts, prompt + completion, model, null));
        e.Points.Add(new MetricPoint("conversation_length", ts, random.Next(1, 12), null, null));
        batch.Add(e);
    }
    writer.Write([new PendingWrite("big", "bench", batch, 0)]);
}
var last = start + (events - 1) * spacing;
Console.WriteLine($"wrote {events * PerEvent:N0} points through the writer in {fill.Elapsed.TotalSeconds:F1} s " +
    $"({events * PerEvent / fill.Elapsed.TotalSeconds:N0} points/s); file {new FileInfo(path).Length / 1e6:N0} MB");

var runId = points.GetRunId("big")!.Value;
var purgeOnly = args.Contains("purge-only") || retention;
var now = Timestamps.ToMicros(DateTimeOffset.UtcNow);
if (!purgeOnly)
{
Measure("stats all, generation_time (rollups)", () => points.GetFiniteStats(runId, "generation_time", long.MinValue, long.MaxValue));
Measure("stats all, generation_time (raw)", () => MetricStats.From(points.GetValues(runId, "generation_time", long.MinValue, long.MaxValue)));
Measure("stats last 5 min of data (rollups)", () => points.GetFiniteStats(runId, "generation_time", last - 300_000_000, long.MaxValue));
Measure("stats last 5 min of data (raw)", () => MetricStats.From(points.GetValues(runId, "generation_time", last - 300_000_000, long.MaxValue)));
Measure("stats odd custom range (rollups)", () => points.GetFiniteStats(runId, "generation_time", start + 12_345_678, last - 7_654_321));
Measure("tokens all (rollups)", () => points.GetTokenUsage(runId, long.MinValue));
Measure("tokens all (raw)", () => points.GetTokenUsageFromPoints(runId, long.MinValue));
var step = SeriesStep.Choose(start, last, null);
Measure("series full range, default step (rollups)", () => points.GetSeries(runId, "generation_time", start, last, step));
Measure("series full range, default step (raw)", () => points.GetSeriesFromPoints(runId, "generation_time", start, last, step));
// The series endpoint without from=: this run's first point is on a whole second, a live run's is not. Before, the
// grid started at that point's microsecond (every bucket edge cut a second, read raw); now it starts on a multiple of
// the step (SeriesStep.ChooseAligned), so rollups answer it.
var offFirst = start + 123_457;
var (gridStart, gridStep) = SeriesStep.ChooseAligned(offFirst, last, null);
Measure("series full range from an unaligned first point, aligned grid (endpoint now)", () => points.GetSeries(runId, "generation_time", gridStart, last, gridStep));
var firstStep = SeriesStep.Choose(offFirst, last, null);
Measure("series full range from an unaligned first point, grid from it (endpoint before)", () => points.GetSeries(runId, "generation_time", offFirst, last, firstStep));
var odd = (From: last - 300_000_000 + 123_457, To: last);
var oddStep = SeriesStep.Choose(odd.From, odd.To, null);
Measure("series last 5 min, unaligned start (rollups)", () => points.GetSeries(runId, "generation_time", odd.From, odd.To, oddStep));
Measure("series last 5 min, unaligned start (raw)", () => points.GetSeriesFromPoints(runId, "generation_time", odd.From, odd.To, oddStep));
var visitor = new SqliteRunPointVisitor(connections);
var pageFast = new RunPageLoader(points, visitor, new SqliteRunBucketReader(connections));
var pageRaw = new RunPageLoader(points, visitor);
var all = new RunRange("all", long.MinValue, long.MaxValue, null, null);
var lastFive = new RunRange("custom", last - 300_000_000 + 123_457, last, null, null);
var pageNow = Timestamps.FromMicros(last);
Measure("run page first view, all (rollups)", () => pageFast.Load("big", all, pageNow));
if (!args.Contains("no-raw-page"))
{
    Measure("run page first view, all (raw)", () => pageRaw.Load("big", all, pageNow), reps: 5);
}
Measure("run page first view, last 5 min unaligned (rollups)", () => pageFast.Load("big", lastFive, pageNow));
Measure("run page first view, last 5 min unaligned (raw)", () => pageRaw.Load("big", lastFive, pageNow), reps: 5);
if (args.Contains("queries-only"))
{
    return;
}
var fast = points.GetFiniteStats(runId, "generation_time", long.MinValue, long.MaxValue);
var exact = MetricStats.From(points.GetValues(runId, "generation_time", long.MinValue, long.MaxValue));
Console.WriteLine($"  all: exact p50 {exact.P50:G6} p99 {exact.P99:G6} mean {exact.Mean:G17}; rollups p50 {fast.P50:G6} p99 {fast.P99:G6} mean {fast.Mean:G17}");

// Overview: 10,000 runs, each with a few events in the last minute; one page (200 rows) of events/min.
for (var r = 0; r < runCount; r += 100)
{
    var writes = new List<PendingWrite>();
    for (var k = r; k < Math.Min(runCount, r + 100); k++)
    {
        var list = new List<ExpandedEvent>();
        for (var i = 0; i < 20; i++)
        {
            var ts = now - random.NextInt64(0, 120_000_000);
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            e.Points.Add(new MetricPoint("generation_time", ts, random.NextDouble(), null, null));
            e.Points.Add(new MetricPoint("success_rate", ts, 1, null, null));
            list.Add(e);
        }
        writes.Add(new PendingWrite($"run-{k:D5}", "bench", list, 0));
    }
    writer.Write(writes);
}
var pageIds = new List<long>();
using (var c = connections.Open())
{
    using var cmd = c.CreateCommand();
    cmd.CommandText = "SELECT id FROM runs WHERE name LIKE 'run-%' ORDER BY last_received_at DESC LIMIT 200";
    using var reader = cmd.ExecuteReader();
    while (reader.Read())
    {
        pageIds.Add(reader.GetInt64(0));
    }
}
var since = now - 60_000_000;
Measure($"events/min for 200 of {runCount:N0} runs (per-second counts)", () =>
{
    using var c = connections.Open();
    return pageIds.Sum(id => SqliteRollupReader.GetEventsSince(c, id, since));
});
Measure($"events/min for 200 of {runCount:N0} runs (old COUNT(DISTINCT ts))", () =>
{
    using var c = connections.Open();
    return pageIds.Sum(id =>
    {
        using var cmd = SqliteCommands.Command(c, """
            SELECT COUNT(DISTINCT ts) FROM points WHERE run_id = $r AND ts >= $since
              AND metric_id IN (SELECT metric_id FROM run_metrics WHERE run_id = $r AND last_ts >= $since)
            """, ("$r", (object?)id), ("$since", since));
        return (long)cmd.ExecuteScalar()!;
    });
});
}

// Delete the big run while a writer commits 100 events (600 points) every 5 ms; commit latency is ingest's floor.
// Every maintenance chunk's time on the writer's connection: what a commit arriving meanwhile may wait.
var chunkTimes = new List<double>();
var deletion = new SqliteRunDeletionStore(writer, connections);
deletion.Chunks.ChunkHeld = t =>
{
    lock (chunkTimes)
    {
        chunkTimes.Add(t.TotalMilliseconds);
    }
};
var purger = new RunPurger(deletion, TimeProvider.System, NullLogger<RunPurger>.Instance);
var latencies = new List<double>();
var stop = new CancellationTokenSource();
var ingest = Ingest(writer, latencies, now, stop.Token);
Thread.Sleep(2000);
lock (latencies)
{
    Console.WriteLine($"ingest alone: commits p50 {Pct(latencies, 0.5):F1} ms p99 {Pct(latencies, 0.99):F1} ms ({latencies.Count} commits)");
    latencies.Clear();
}
if (retention)
{
    // Retention cutting the run 2 h in (whole hours before the cut go; the rest stays), ingest committing meanwhile.
    var cut = Stopwatch.StartNew();
    var (gone, _) = deletion.DeleteBefore(start + 2 * 3_600_000_000L + 17, CancellationToken.None);
    cut.Stop();
    stop.Cancel();
    await ingest;
    lock (latencies)
    {
        Console.WriteLine($"retention deleted {gone:N0} of {events * PerEvent:N0} points in {cut.Elapsed.TotalSeconds:F1} s; ingest commits meanwhile " +
            $"p50 {Pct(latencies, 0.5):F1} ms p99 {Pct(latencies, 0.99):F1} ms max {latencies.Max():F1} ms ({latencies.Count} commits)");
        Console.WriteLine(ChunkLine(chunkTimes));
    }
    writer.Dispose();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (var f in new[] { path, path + "-wal", path + "-shm" })
    {
        File.Delete(f);
    }
    return;
}
var sizeBefore = new FileInfo(path).Length;
var delete = Stopwatch.StartNew();
writer.RunExclusive(c =>
{
    using var tx = c.BeginTransaction();
    using var cmd = c.CreateCommand();
    cmd.Transaction = tx;
    cmd.CommandText = "INSERT INTO run_purges (run_id, name, marked_at) VALUES ($id, 'big', 0); DELETE FROM run_metrics WHERE run_id = $id; DELETE FROM runs WHERE id = $id;";
    cmd.Parameters.AddWithValue("$id", runId);
    cmd.ExecuteNonQuery();
    tx.Commit();
    return 0;
});
await purger.StartAsync(CancellationToken.None);
purger.Wake();
while (purger.Pending > 0)
{
    Thread.Sleep(100);
}
delete.Stop();
stop.Cancel();
await ingest;
await purger.StopAsync(CancellationToken.None);
lock (latencies)
{
    Console.WriteLine($"purge of {events * PerEvent:N0} points took {delete.Elapsed.TotalSeconds:F1} s; ingest commits meanwhile p50 {Pct(latencies, 0.5):F1} ms " +
        $"p99 {Pct(latencies, 0.99):F1} ms max {latencies.Max():F1} ms ({latencies.Count} commits); file {sizeBefore / 1e6:N0} MB -> {new FileInfo(path).Length / 1e6:N0} MB, " +
        $"WAL {new FileInfo(path + "-wal").Length / 1e6:N0} MB");
    Console.WriteLine(ChunkLine(chunkTimes));
}
writer.Dispose();
if (!args.Contains("keep-file"))
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (var f in new[] { path, path + "-wal", path + "-shm" })
    {
        File.Delete(f);
    }
}

// A writer committing 100 events (600 points) to run "live" every 5 ms, each commit's latency recorded: ingest's floor.
static Task Ingest(SqlitePointWriter writer, List<double> latencies, long now, CancellationToken stop) => Task.Run(() =>
{
    var n = 0L;
    while (!stop.IsCancellationRequested)
    {
        var list = new List<ExpandedEvent>();
        for (var i = 0; i < 100; i++, n++)
        {
            var ts = now + n;
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            for (var p = 0; p < 6; p++)
            {
                e.Points.Add(new MetricPoint("m" + p, ts, p, null, null));
            }
            list.Add(e);
        }
        var sw = Stopwatch.StartNew();
        writer.Write([new PendingWrite("live", "bench", list, 0)]);
        lock (latencies)
        {
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        Thread.Sleep(5);
    }
});

static string ChunkLine(List<double> chunks)
{
    lock (chunks)
    {
        return $"maintenance chunks: {chunks.Count}, time holding the writer p50 {Pct(chunks, 0.5):F1} ms p99 {Pct(chunks, 0.99):F1} ms " +
            $"max {(chunks.Count == 0 ? 0 : chunks.Max()):F1} ms";
    }
}

static double Pct(List<double> xs, double q)
{
    var sorted = xs.Order().ToArray();
    return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}

static void Measure<T>(string name, Func<T> work, int reps = 20)
{
    work();
    var times = new List<double>();
    for (var i = 0; i < reps; i++)
    {
        var sw = Stopwatch.StartNew();
        work();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"{name}: p50 {Pct(times, 0.5):F1} ms, p95 {Pct(times, 0.95):F1} ms");
}
