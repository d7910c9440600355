using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Alerts.Settings;

/// <summary>
/// Durations as the settings page writes them: "90s", "5m", "1h30m", "2d" (a bare number is seconds, as the
/// API's *_seconds fields are). The page shows and takes these; the stored document keeps whole seconds.
/// </summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$")]
    private static partial Regex Parts();

    /// <summary>Parses a duration into seconds; on failure <paramref name="error"/> says in words what is accepted.</summary>
    public static bool TryParse(string? text, out int seconds, out string? error)
    {
        seconds = 0;
        error = null;
        var t = (text ?? "").Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (t.Length == 0)
        {
            error = "Enter a duration such as 30s, 5m, 1h or 1h30m.";
            return false;
        }
        if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
        {
            return Checked(bare, out seconds, out error);
        }
        var m = Parts().Match(t);
        if (!m.Success || t.Length == 0)
        {
            error = $"'{text!.Trim()}' is not a duration; write it like 30s, 5m, 1h or 1h30m.";
            return false;
        }
        long total = 0;
        long[] unit = [86_400, 3_600, 60, 1];
        for (var i = 0; i < 4; i++)
        {
            if (m.Groups[i + 1].Success)
            {
                total += long.Parse(m.Groups[i + 1].Value, CultureInfo.InvariantCulture) * unit[i];
            }
        }
        return Checked(total, out seconds, out error);
    }

    /// <summary>The shortest exact text: 300 -> "5m", 5400 -> "1h30m", 0 -> "0s".</summary>
    public static string Format(int seconds)
    {
        if (seconds <= 0)
        {
            return "0s";
        }
        var parts = new List<string>(4);
        var rest = seconds;
        foreach (var (size, suffix) in new[] { (86_400, "d"), (3_600, "h"), (60, "m"), (1, "s") })
        {
            if (rest >= size)
            {
                parts.Add((rest / size).ToString(CultureInfo.InvariantCulture) + suffix);
                rest %= size;
            }
        }
        return string.Concat(parts);
    }

    private static bool Checked(long total, out int seconds, out string? error)
    {
        seconds = 0;
        error = null;
        if (total > int.MaxValue)
        {
            error = "That duration is too long.";
            return false;
        }
        seconds = (int)total;
        return true;
    }
}
