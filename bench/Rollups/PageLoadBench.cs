using System.Diagnostics;
using Dashboard.Core;
using Dashboard.Runs;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dashboard.Bench.Rollups;

/// <summary>
/// The run page's first view (RunPageLoader.Load from rollups) on an existing file, read only: p50/p95 for ranges
/// "all" and the last hour, and the part of it spent in IRunBucketReader.Read. Usage: pageload FILE [reps] [run].
/// </summary>
internal static class PageLoadBench
{
    public static void Run(string file, int reps, string run)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = $"Data Source={file};Mode=ReadOnly",
        }).Build();
        var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        var metrics = new SqliteMetricReader(connections);
        var loader = new RunPageLoader(metrics, new SqliteRunPointVisitor(connections), new SqliteRunBucketReader(connections));
        var runId = metrics.GetRunId(run) ?? throw new InvalidOperationException($"no run '{run}' in {file}");
        var names = metrics.GetMetrics(runId).Select(m => m.Name).Where(n => !MetricNames.TokenCounts.Contains(n)).ToList();
        long first = long.MaxValue, last = long.MinValue;
        foreach (var n in names)
        {
            if (metrics.GetExtent(runId, n) is { } e)
            {
                (first, last) = (Math.Min(first, e.First), Math.Max(last, e.Last));
            }
        }
        var now = Timestamps.FromMicros(last);
        var width = BucketWidth.For(last - first);
        Console.WriteLine($"{file}: run '{run}' spans {(last - first) / 60e6:F1} min, page buckets {BucketWidth.Label(width)}");
        var all = new RunRange("all", long.MinValue, long.MaxValue, null, null);
        var hour = new RunRange("1h", last - 3_600_000_000, long.MaxValue, null, null);
        var reader = new SqliteRunBucketReader(connections);
        Measure("RunPageLoader.Load, all", reps, () => loader.Load(run, all, now));
        Measure("  of it IRunBucketReader.Read, all", reps, () => reader.Read(runId, names, long.MinValue, long.MaxValue, width));
        Measure("    of that the rows without sketches (ReadTotals)", reps, () =>
        {
            using var snap = new SqliteRollupSnapshot(connections);
            var plan = RangePlan.For(long.MinValue, long.MaxValue, RangePlan.WidthsDividing(width));
            long rows = 0;
            foreach (var n in names)
            {
                var id = snap.MetricId(n)!.Value;
                foreach (var piece in plan.Rollups)
                {
                    snap.ReadTotals(runId, id, piece, (_, _, _, _, _) => rows++);
                }
            }
            return rows;
        });
        Measure("    of that the rows with their sketch bytes, nothing merged", reps, () =>
        {
            using var c = connections.Open();
            var plan = RangePlan.For(long.MinValue, long.MaxValue, RangePlan.WidthsDividing(width));
            long bytes = 0;
            foreach (var n in names)
            {
                using var idCmd = SqliteCommands.Command(c, "SELECT id FROM metric_names WHERE name = $n", ("$n", n));
                var id = (long)idCmd.ExecuteScalar()!;
                foreach (var piece in plan.Rollups)
                {
                    using var cmd = SqliteCommands.Command(c, "SELECT bucket, count, sum, min, max, int_sum, sketch FROM point_rollups " +
                        "WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket >= $from AND bucket < $to",
                        ("$r", runId), ("$m", id), ("$w", piece.Width), ("$from", piece.From), ("$to", piece.To));
                    using var r = cmd.ExecuteReader();
                    while (r.Read())
                    {
                        bytes += ((byte[])r.GetValue(6)).Length + r.GetInt64(1);
                    }
                }
            }
            return bytes;
        });
        Measure("  of it GetMetrics", reps, () => metrics.GetMetrics(runId));
        Measure("  of it GetExtent per metric", reps, () => names.Select(n => metrics.GetExtent(runId, n)).ToList());
        Measure("RunPageLoader.Load, last hour", reps, () => loader.Load(run, hour, now));
        // An explicit start off a whole second: the raw slivers at every bucket edge (or not).
        var odd = new RunRange("custom", first + 123_457, last - 654_321, null, null);
        Measure("RunPageLoader.Load, all but unaligned ends", reps, () => loader.Load(run, odd, now));
    }

    private static void Measure(string what, int reps, Func<object?> action)
    {
        // Warmed past tiered JIT's rejit (process CPU counts the JIT's background threads too).
        for (var i = 0; i < 5; i++)
        {
            action();
        }
        var times = new List<double>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / reps;
        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine($"  {what}: p50 {At(0.5):F1} ms, p95 {At(0.95):F1} ms (n={reps}); process CPU {cpuMs:F1} ms each");
    }
}
