using System.Globalization;

namespace Dashboard.Components.Charts;

/// <summary>
/// Axis ticks and their labels for the server-drawn sketch (<see cref="ChartSketch"/>): round steps, and values written
/// the way wwwroot/js/apex-interop.js's format() writes them, so the chart that replaces the sketch reads the same.
/// </summary>
public static class ChartTicks
{
    /// <summary>About five round steps (1, 2, 2.5, 5 x 10^n) from min to at least max; integer axes step by whole numbers.</summary>
    public static IReadOnlyList<double> Values(double min, double max, bool integer, int count = 5)
    {
        if (!(max > min))
        {
            max = min + (integer ? 1 : Math.Abs(min) > 0 ? Math.Abs(min) : 1);
        }
        var step = NiceStep((max - min) / count);
        if (integer)
        {
            step = Math.Max(1, Math.Ceiling(step));
        }
        var first = Math.Floor(min / step) * step;
        var ticks = new List<double>();
        // Up to the first tick at or above max: the axis ends on a round value that holds the data.
        for (var k = 0; ticks.Count < 12; k++)
        {
            var v = Math.Round(first / step + k) * step;
            ticks.Add(v);
            if (v >= max - step * 1e-9)
            {
                break;
            }
        }
        return ticks;
    }

    public static double NiceStep(double raw)
    {
        if (!(raw > 0) || double.IsInfinity(raw))
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1d, 2, 2.5, 5, 10 })
        {
            if (m * magnitude >= raw)
            {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static readonly long[] TimeSteps =
    [
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
        3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
    ];

    /// <summary>Round instants (whole seconds, minutes, hours, days, UTC) inside [from, to], about six of them.</summary>
    public static IReadOnlyList<double> Times(double fromMs, double toMs, int count = 6)
    {
        var span = Math.Max(toMs - fromMs, 1);
        var step = TimeSteps.FirstOrDefault(s => span / s <= count, TimeSteps[^1]);
        var ticks = new List<double>();
        for (var t = Math.Ceiling(fromMs / step) * step; t <= toMs && ticks.Count < 12; t += step)
        {
            ticks.Add(t);
        }
        return ticks;
    }

    /// <summary>A time tick's label: seconds shown only when the ticks are less than a minute apart, days when a day or more.</summary>
    public static string TimeLabel(double ms, double stepMs)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
        var format = stepMs >= 86_400_000 ? "dd MMM" : stepMs >= 60_000 ? "HH:mm" : "HH:mm:ss";
        return t.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>apex-interop.js's format(v, unit), in C#.</summary>
    public static string Label(double v, string unit)
    {
        if (double.IsNaN(v))
        {
            return "–";
        }
        return unit switch
        {
            Units.Seconds => Math.Abs(v) < 1 && v != 0 ? Trim(v * 1000) + " ms" : Trim(v) + " s",
            Units.Share => Trim(v * 100) + "%",
            Units.Tokens => Compact(v) + " tokens",
            Units.Count => Compact(Math.Round(v)),
            Units.PerMinute => Compact(v) + "/min",
            _ when unit.StartsWith("money:", StringComparison.Ordinal) => Money(v) + " " + unit[6..],
            _ => Compact(v),
        };
    }

    private static string Compact(double v)
    {
        var a = Math.Abs(v);
        return a >= 1e9 ? Trim(v / 1e9) + "G" : a >= 1e6 ? Trim(v / 1e6) + "M" : a >= 1e3 ? Trim(v / 1e3) + "k" : Trim(v);
    }

    private static string Trim(double v)
    {
        var a = Math.Abs(v);
        var digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
        // + 0 turns a rounded -0 into 0 (else "-0").
        return (Math.Round(v, digits, MidpointRounding.AwayFromZero) + 0d).ToString("0.##", CultureInfo.InvariantCulture);
    }

    private static string Money(double v)
    {
        var a = Math.Abs(v);
        var digits = a >= 100 ? 0 : a >= 1 || a >= 0.01 || v == 0 ? 2 : 4;
        return v.ToString("F" + digits, CultureInfo.InvariantCulture);
    }
}
