
namespace Dashboard.Runs;

/// <summary>
/// The time range a run page shows: a preset window ending now (5m, 1h, 24h), all of the run, or a custom
/// from/to. Times without an offset are UTC, as everywhere on the wire.
/// </summary>
public sealed record RunRange(string Text, long FromMicros, long ToMicros, DateTimeOffset? From, DateTimeOffset? To)
{
    public static readonly IReadOnlyList<string> Presets = ["5m", "1h", "24h", "all"];

    public const string Default = "all";

    public bool IsCustom => Text == "custom";

    /// <summary>True when new events can fall inside the range, so the page should follow live.</summary>
    public bool FollowsNow => !IsCustom || ToMicros == long.MaxValue;

    /// <summary>Parses range=5m|1h|24h|all, or range=custom (or no range) with from=&amp;to=; returns the offending parameter's name on failure.</summary>
    public static string? TryParse(string? range, string? from, string? to, DateTimeOffset now, out RunRange result)
    {
        result = new RunRange(Default, long.MinValue, long.MaxValue, null, null);
        // An explicit preset wins over leftover from/to fields of the picker's form.
        var custom = range == "custom" || (string.IsNullOrWhiteSpace(range) && (!string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to)));
        if (custom)
        {
            // The one from/to parser every endpoint uses (ISO-8601 or Unix seconds, same bounds and rounding).
            if (TimeRangeParser.TryParseBounds(from, to, out var bounds) is { } bad)
            {
                return bad.Field;
            }
            long lo = bounds.FromMicros, hi = bounds.ToMicros;
            result = new RunRange("custom", lo, hi,
                lo == long.MinValue ? null : Timestamps.FromMicros(lo), hi == long.MaxValue ? null : Timestamps.FromMicros(hi));
            return null;
        }
        var text = string.IsNullOrWhiteSpace(range) ? Default : range.Trim();
        if (!Presets.Contains(text) || !TimeWindow.TryParse(text, Default, out var window))
        {
            return "range";
        }
        var start = window.StartMicros(now);
        result = new RunRange(text, start, long.MaxValue, start == long.MinValue ? null : Timestamps.FromMicros(start), null);
        return null;
    }

    /// <summary>The query string that selects this range again (for links and exports).</summary>
    public string ToQuery() => IsCustom
        ? string.Join('&', new[] { From is { } f ? "from=" + Uri.EscapeDataString(f.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)) : null,
            To is { } t ? "to=" + Uri.EscapeDataString(t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)) : null }.Where(s => s is not null))
        : "range=" + Text;

    /// <summary>The export endpoint's spelling of the same range (window=... or from=&amp;to=).</summary>
    public string ToExportQuery() => IsCustom ? ToQuery() : "window=" + Text;
}
