using System.Globalization;
using System.Text;

namespace Dashboard.Hosting;

/// <summary>
/// Opt-in (off by default): once a second, one line of what the process waited on and spent. Set
/// <c>Diagnostics:RuntimeSampleFile</c> to a path (lines are appended there) or <c>Diagnostics:RuntimeSamples=true</c>
/// (lines go to the log at Information). Written to find out why a server that is not short of CPU answers slowly: a
/// work item's wait for a pool thread (the starvation probe), pool threads and queue, lock contention, collections and
/// GC pause time, heap and allocation, and the timed hot paths (<see cref="RuntimeTimings"/>).
/// </summary>
public sealed class RuntimeSampler(IConfiguration configuration, ILogger<RuntimeSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = configuration["Diagnostics:RuntimeSampleFile"];
        if (string.IsNullOrEmpty(file) && !configuration.GetValue<bool>("Diagnostics:RuntimeSamples"))
        {
            return;
        }
        RuntimeTimings.Enabled = true;
        var wal = WalPath(configuration);
        var last = Snapshot.Take();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var poolWait = await PoolWaitAsync();
                var now = Snapshot.Take();
                var line = Line(last, now, poolWait);
                if (wal is not null)
                {
                    // A WAL that keeps growing: checkpoints held back by readers (the writer's commits then slow down).
                    line += string.Create(CultureInfo.InvariantCulture, $" | wal {(File.Exists(wal) ? new FileInfo(wal).Length / 1e6 : 0):F0}MB");
                }
                last = now;
                if (string.IsNullOrEmpty(file))
                {
                    logger.LogInformation("runtime {Sample}", line);
                }
                else
                {
                    await File.AppendAllTextAsync(file, line + "\n", stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            RuntimeTimings.Enabled = false;
        }
    }

    /// <summary>The SQLite file's write-ahead log (its path + "-wal"), or null on PostgreSQL or an in-memory database.</summary>
    internal static string? WalPath(IConfiguration configuration)
    {
        if (!string.Equals(configuration["Storage:Provider"] ?? "Sqlite", "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        foreach (var part in (configuration.GetConnectionString("Dashboard") ?? "").Split(';'))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? "" : part[..eq].Trim();
            if (key.Equals("Data Source", StringComparison.OrdinalIgnoreCase) || key.Equals("DataSource", StringComparison.OrdinalIgnoreCase)
                || key.Equals("Filename", StringComparison.OrdinalIgnoreCase))
            {
                var file = part[(eq + 1)..].Trim();
                return file.Length == 0 || file.Contains(":memory:", StringComparison.Ordinal) ? null : file + "-wal";
            }
        }
        return null;
    }

    /// <summary>How long a work item queued now waits for a pool thread: near 0 unless the pool is starved.</summary>
    private static async Task<double> PoolWaitAsync()
    {
        var queued = System.Diagnostics.Stopwatch.GetTimestamp();
        var ran = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.SetResult(System.Diagnostics.Stopwatch.GetTimestamp()), ran, preferLocal: false);
        var at = await ran.Task;
        return System.Diagnostics.Stopwatch.GetElapsedTime(queued, at).TotalMilliseconds;
    }

    private static string Line(Snapshot a, Snapshot b, double poolWait)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.Append(c, $"{DateTimeOffset.UtcNow:HH:mm:ss} poolwait {poolWait:F1}ms threads {b.Threads} queue {b.Pending} ");
        s.Append(c, $"items {b.Completed - a.Completed} contention {b.Contention - a.Contention} ");
        s.Append(c, $"gc {b.Gen0 - a.Gen0}/{b.Gen1 - a.Gen1}/{b.Gen2 - a.Gen2} pause {(b.Pause - a.Pause).TotalMilliseconds:F0}ms ");
        s.Append(c, $"alloc {(b.Allocated - a.Allocated) / 1e6:F0}MB heap {b.Heap / 1e6:F0}MB committed {b.Committed / 1e6:F0}MB rss {Environment.WorkingSet / 1e6:F0}MB");
        foreach (var kind in Enum.GetValues<RuntimeTimings.Kind>())
        {
            var (n, total, max) = RuntimeTimings.Take(kind);
            if (n > 0)
            {
                s.Append(c, $" | {kind} n {n} sum {total:F0} max {max:F0}ms");
            }
        }
        return s.ToString();
    }

    private readonly record struct Snapshot(int Threads, long Pending, long Completed, long Contention, int Gen0, int Gen1, int Gen2,
        TimeSpan Pause, long Allocated, long Heap, long Committed)
    {
        public static Snapshot Take()
        {
            var info = GC.GetGCMemoryInfo();
            return new Snapshot(ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, ThreadPool.CompletedWorkItemCount,
                Monitor.LockContentionCount, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), GC.GetTotalMemory(false), info.TotalCommittedBytes);
        }
    }
}
