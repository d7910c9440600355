using System.Globalization;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// The server process as the kernel sees it: CPU time from /proc/&lt;pid&gt;/stat (utime + stime, in clock ticks of
/// 10 ms) and resident memory from /proc/&lt;pid&gt;/status, sampled every 250 ms so a phase's peak is not missed.
/// </summary>
internal sealed class ServerProbe : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // sysconf(_SC_CLK_TCK) on Linux x64
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly Task _loop;

    public ServerProbe(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    public readonly record struct Sample(DateTime At, double CpuSeconds, double RssMb);

    public Sample Now() => new(DateTime.UtcNow, CpuSeconds(), RssMb());

    /// <summary>Cores used between two samples, peak and last RSS of the samples taken between them.</summary>
    public PhaseUse Between(Sample from, Sample to)
    {
        List<Sample> inside;
        lock (_samples)
        {
            inside = [.. _samples.Where(s => s.At >= from.At && s.At <= to.At)];
        }
        var peak = inside.Count == 0 ? to.RssMb : Math.Max(inside.Max(s => s.RssMb), to.RssMb);
        return new((to.CpuSeconds - from.CpuSeconds) / (to.At - from.At).TotalSeconds, peak, to.RssMb);
    }

    /// <summary>Cores used in each whole second after <paramref name="from"/> (to see when work stops).</summary>
    public IReadOnlyList<double> PerSecond(Sample from, int seconds)
    {
        List<Sample> after;
        lock (_samples)
        {
            after = [.. _samples.Where(s => s.At >= from.At)];
        }
        var result = new List<double>();
        var previous = from;
        for (var k = 1; k <= seconds; k++)
        {
            var end = after.LastOrDefault(s => s.At <= from.At.AddSeconds(k));
            if (end.At <= previous.At)
            {
                break;
            }
            result.Add((end.CpuSeconds - previous.CpuSeconds) / (end.At - previous.At).TotalSeconds);
            previous = end;
        }
        return result;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var s = Now();
                lock (_samples)
                {
                    _samples.Add(s);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The server exited.
        }
    }

    private double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_pid}/stat");
        // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th of them.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private double RssMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[..3].Aggregate((a, b) => a + " " + b);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

internal readonly record struct PhaseUse(double Cores, double PeakRssMb, double EndRssMb)
{
    public override string ToString() => $"server CPU {Cores:F2} cores, RSS peak {PeakRssMb:N0} MB, end {EndRssMb:N0} MB";
}
