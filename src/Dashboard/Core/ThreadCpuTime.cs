using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Core;

/// <summary>
/// The calling thread's time on a core and time spent runnable but waiting for one (Linux /proc/thread-self/schedstat),
/// in Stopwatch ticks: set against a wall-clock span they tell whether a slow step computed, waited for a core, or was
/// blocked (sleeping on a lock, the disk, a GC). Read only while the runtime sampler runs.
/// </summary>
internal static class ThreadCpuTime
{
    public static (long OnCpu, long RunQueue) Now()
    {
        try
        {
            var parts = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            return (Ticks(parts[0]), Ticks(parts[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }

    private static long Ticks(string nanos) => (long)(long.Parse(nanos, CultureInfo.InvariantCulture) * (Stopwatch.Frequency / 1e9));
}
