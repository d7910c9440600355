using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Core;

/// <summary>A query window such as 30s, 5m, 1h, 24h, 7d or all (afterimage's get_metrics windows).</summary>
public sealed partial record TimeWindow(string Text, TimeSpan? Span)
{
    public static readonly TimeWindow All = new("all", null);

    [GeneratedRegex("^([1-9][0-9]{0,5})(s|m|h|d)$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, string fallback, out TimeWindow window)
    {
        text = string.IsNullOrWhiteSpace(text) ? fallback : text.Trim();
        if (text == "all")
        {
            window = All;
            return true;
        }
        var m = Pattern().Match(text);
        if (!m.Success)
        {
            window = All;
            return false;
        }
        var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = m.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        window = new TimeWindow(text, span);
        return true;
    }

    /// <summary>Start of the window in Unix microseconds, or long.MinValue for all.</summary>
    public long StartMicros(DateTimeOffset now) =>
        Span is { } s ? Timestamps.ToMicros(now - s) : long.MinValue;
}
