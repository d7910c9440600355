using System.Diagnostics;
using System.Globalization;

/// <summary>
/// CPU time used so far by the dashboard process, every PostgreSQL process on the machine (server and backends, read
/// from /proc) and this bench (the HTTP or COPY client). Differences over a phase, divided by the points it stored,
/// tell where each point's work goes; points/s alone swings with whatever else runs on the machine.
/// </summary>
internal readonly record struct CpuUse(TimeSpan Dashboard, TimeSpan Postgres, TimeSpan Client)
{
    public static CpuUse Take(Process dashboard)
    {
        dashboard.Refresh();
        return new CpuUse(dashboard.TotalProcessorTime, PostgresTime(), Process.GetCurrentProcess().TotalProcessorTime);
    }

    public static CpuUse operator -(CpuUse a, CpuUse b) => new(a.Dashboard - b.Dashboard, a.Postgres - b.Postgres, a.Client - b.Client);

    public string Per1000(long points)
    {
        string Ms(TimeSpan t) => (t.TotalMilliseconds * 1000 / Math.Max(points, 1)).ToString("F2", CultureInfo.InvariantCulture);
        return $"dashboard {Ms(Dashboard)} ms, PostgreSQL {Ms(Postgres)} ms, client {Ms(Client)} ms, total {Ms(Dashboard + Postgres + Client)} ms";
    }

    /// <summary>utime + stime of every process whose name is postgres (clock ticks of 10 ms; Linux only).</summary>
    private static TimeSpan PostgresTime()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the ")" that closes the name: state is field 3, utime 14 and stime 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
