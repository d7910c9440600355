using System.Diagnostics;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Fills a database through the dashboard's own writer (points, rollups, token rollups, event seconds and run
/// totals in one transaction per batch, exactly as ingest stores them) without HTTP and JSON in the way, so a
/// run of 10 million points takes minutes, not an hour. The server then opens the file as it would any other.
/// </summary>
internal static class Fill
{
    public static readonly string[] Models = ["gpt-4o-mini", "llama-3.1-8b", "claude-haiku"];

    /// <summary>Points per generation event as ingest expands one with a model, a finish reason, three token counts and a length.</summary>
    public const int PointsPerEvent = 8;

    /// <summary>One run named <paramref name="run"/> of about <paramref name="points"/> points, events 1 ms apart, the last one a minute ago.</summary>
    public static void BigRun(string path, long points, string run)
    {
        using var writer = Open(path);
        var events = points / PointsPerEvent;
        var end = Timestamps.ToMicros(DateTimeOffset.UtcNow) - 60_000_000;
        var start = end - events * 1_000;
        var random = new Random(7);
        var clock = Stopwatch.StartNew();
        for (long done = 0; done < events;)
        {
            var batch = new List<ExpandedEvent>(5_000);
            for (var i = 0; i < 5_000 && done < events; i++, done++)
            {
                batch.Add(Generation(start + done * 1_000, random, done));
            }
            writer.Write([new PendingWrite(run, "bench", batch, 0)]);
            if (done % 1_000_000 == 0)
            {
                Console.WriteLine($"  {done * PointsPerEvent:N0} points, {done * PointsPerEvent / clock.Elapsed.TotalSeconds:N0}/s");
            }
        }
        Console.WriteLine($"wrote {events * PointsPerEvent:N0} points of run '{run}' through the writer in {clock.Elapsed.TotalSeconds:F0} s; " +
            $"file {new FileInfo(path).Length / 1e6:N0} MB");
    }

    /// <summary><paramref name="runs"/> runs of 20 generation events each, spread over the last hour (the runs list's sparkline and events/min have something to count).</summary>
    public static void ManyRuns(string path, int runs)
    {
        using var writer = Open(path);
        var now = Timestamps.ToMicros(DateTimeOffset.UtcNow);
        var random = new Random(11);
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < runs; r += 100)
        {
            var writes = new List<PendingWrite>();
            for (var k = r; k < Math.Min(runs, r + 100); k++)
            {
                var list = new List<ExpandedEvent>();
                for (var i = 0; i < 20; i++)
                {
                    list.Add(Generation(now - random.NextInt64(0, 3_600_000_000), random, i));
                }
                writes.Add(new PendingWrite($"run-{k:D5}", $"project-{k % 20}", list, 0));
            }
            writer.Write(writes);
        }
        Console.WriteLine($"wrote {runs:N0} runs of 20 events in {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>The points a generation event with every field becomes (see Ingest/EventExpander), stated time, no id.</summary>
    public static ExpandedEvent Generation(long ts, Random random, long n)
    {
        var model = Models[n % Models.Length];
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
        var prompt = random.Next(100, 900);
        var completion = random.Next(10, 400);
        e.Points.Add(new MetricPoint(MetricNames.GenerationTime, ts, Math.Exp(random.NextDouble() * 3) / 4, null, null));
        e.Points.Add(new MetricPoint(MetricNames.SuccessRate, ts, random.NextDouble() < 0.93 ? 1 : 0, null, null));
        e.Points.Add(new MetricPoint("model_usage:" + model, ts, 1, null, null));
        e.Points.Add(new MetricPoint("finish_reason:stop", ts, 1, null, null));
        e.Points.Add(new MetricPoint(MetricNames.PromptTokens, ts, prompt, model, null));
        e.Points.Add(new MetricPoint(MetricNames.CompletionTokens, ts, completion, model, null));
        e.Points.Add(new MetricPoint(MetricNames.TotalTokens, ts, prompt + completion, model, null));
        e.Points.Add(new MetricPoint("conversation_length", ts, random.Next(1, 12), null, null));
        return e;
    }

    private static SqlitePointWriter Open(string path)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = $"Data Source={path}" }).Build();
        var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        new SchemaMigrator(connections, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        return new SqlitePointWriter(connections, TimeProvider.System);
    }

    /// <summary>Copies a filled database (after a checkpoint, so the copy holds everything), to a new temporary file or to <c>target</c>.</summary>
    public static string CopyToTemp(string source)
    {
        var target = Path.Combine(Path.GetTempPath(), $"livepages-{Guid.NewGuid():N}.db");
        CopyTo(source, target);
        return target;
    }

    public static void CopyTo(string source, string target)
    {
        using (var c = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        File.Copy(source, target);
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(f);
        }
    }
}
