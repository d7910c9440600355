using System.Diagnostics;

namespace Dashboard.Core;

/// <summary>
/// Where a busy server's time goes, for the opt-in runtime sampler (Hosting/RuntimeSampler, off by default): the hot
/// paths add one elapsed time here (two interlocked adds, nothing when nobody samples) and the sampler reads and
/// resets the sums once a second.
/// </summary>
public static class RuntimeTimings
{
    /// <summary>What was timed.</summary>
    public enum Kind
    {
        /// <summary>The writer's transaction, from the first insert to the commit.</summary>
        Commit,

        /// <summary>A live fold's tick: fold (or re-read) and the copy pages render.</summary>
        FoldTick,

        /// <summary>A live fold re-reading its range from storage.</summary>
        FoldReload,

        /// <summary>One page taking a tick on its circuit (until its render is queued).</summary>
        PageTick,

        /// <summary>From a tick's render queued on a page to its OnAfterRender (the browser acknowledged the batch).</summary>
        PageAck,

        /// <summary>A run page's read of its range from storage (first view or range change).</summary>
        PageLoad,

        /// <summary>Inside the SQLite writer's transaction: the points' inserts.</summary>
        WriteRows,

        /// <summary>Inside the SQLite writer's transaction: run metrics, metadata keys, rollups and summaries.</summary>
        WriteRollups,

        /// <summary>The SQLite writer's COMMIT (it runs the WAL autocheckpoint when the log is past its limit).</summary>
        WriteCommit,

        /// <summary>CPU the writer's thread spent in its transaction (against <see cref="Commit"/>: the rest was waiting).</summary>
        WriteCpu,

        /// <summary>Time the writer's thread was runnable but waited for a core during its transaction.</summary>
        WriteRunQueue,
    }

    private static readonly long[] Counts = new long[Enum.GetValues<Kind>().Length];
    private static readonly long[] Ticks = new long[Counts.Length];
    private static readonly long[] Max = new long[Counts.Length];

    /// <summary>On while a sampler runs; the hot paths skip the stopwatch otherwise.</summary>
    public static bool Enabled { get; set; }

    /// <summary>A start timestamp when sampling, else 0 (then <see cref="Add"/> does nothing).</summary>
    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Add(Kind kind, long started)
    {
        if (started == 0)
        {
            return;
        }
        AddTicks(kind, Stopwatch.GetTimestamp() - started);
    }

    /// <summary>The calling thread's CPU and run-queue time when sampling on Linux, else (0, 0).</summary>
    public static (long OnCpu, long RunQueue) ThreadCpu() => Enabled && OperatingSystem.IsLinux() ? ThreadCpuTime.Now() : (0, 0);

    /// <summary>
    /// Adds the calling thread's CPU time and run-queue wait since <paramref name="started"/> (from <see cref="ThreadCpu"/>)
    /// as <paramref name="cpu"/> and <paramref name="runQueue"/>.
    /// </summary>
    public static void AddThreadCpu(Kind cpu, Kind runQueue, (long OnCpu, long RunQueue) started)
    {
        if (started.OnCpu != 0)
        {
            var now = ThreadCpuTime.Now();
            AddTicks(cpu, now.OnCpu - started.OnCpu);
            AddTicks(runQueue, now.RunQueue - started.RunQueue);
        }
    }

    private static void AddTicks(Kind kind, long elapsed)
    {
        var i = (int)kind;
        Interlocked.Increment(ref Counts[i]);
        Interlocked.Add(ref Ticks[i], elapsed);
        long seen;
        while (elapsed > (seen = Volatile.Read(ref Max[i])) && Interlocked.CompareExchange(ref Max[i], elapsed, seen) != seen)
        {
        }
    }

    /// <summary>Count, total and longest milliseconds of one kind since the last call, and zeroes them.</summary>
    public static (long Count, double TotalMs, double MaxMs) Take(Kind kind)
    {
        var i = (int)kind;
        var n = Interlocked.Exchange(ref Counts[i], 0);
        var t = Interlocked.Exchange(ref Ticks[i], 0);
        var m = Interlocked.Exchange(ref Max[i], 0);
        return (n, t * 1000.0 / Stopwatch.Frequency, m * 1000.0 / Stopwatch.Frequency);
    }
}
