namespace Dashboard.Core;

/// <summary>
/// The one parser behind every time-range query parameter (window=, range=, from=/to=, step=), so all endpoints
/// and pages accept the same spellings with the same bounds and rounding and name the same field when refusing.
/// </summary>
public static class TimeRangeParser
{
    public const string WindowMessage = "window must be 30s, 5m, 1h, 24h, all, or a number followed by s, m, h or d.";
    public const string StepMessage = "step must be a number followed by s, m, h or d, e.g. 10s.";

    public static string BoundMessage(string field) => $"{field} must be an ISO-8601 time or Unix seconds.";

    /// <summary>
    /// window= (a span ending now, or all) or from=/to= (either end may be left open), never both; nothing given
    /// means <paramref name="defaultWindow"/>. Returns the offending field, or null with <paramref name="range"/> set.
    /// </summary>
    public static FieldError? TryParse(string? window, string? from, string? to, string defaultWindow, DateTimeOffset now,
        out TimeRange range)
    {
        range = TimeRange.All;
        var custom = !string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to);
        if (custom && !string.IsNullOrWhiteSpace(window))
        {
            return new FieldError("window", "Give either window or from/to, not both.");
        }
        return custom ? TryParseBounds(from, to, out range) : TryParseWindow(window, defaultWindow, now, out range);
    }

    /// <summary>A window such as 30s, 5m, 1h, 24h, 7d or all, ending now.</summary>
    public static FieldError? TryParseWindow(string? window, string defaultWindow, DateTimeOffset now, out TimeRange range)
    {
        range = TimeRange.All;
        if (!TimeWindow.TryParse(window, defaultWindow, out var w))
        {
            return new FieldError("window", WindowMessage);
        }
        range = new TimeRange(w.Text, w.StartMicros(now), long.MaxValue);
        return null;
    }

    /// <summary>from= and to=, each optional (open end when absent); from must not be after to.</summary>
    public static FieldError? TryParseBounds(string? from, string? to, out TimeRange range)
    {
        range = TimeRange.All;
        long lo = long.MinValue, hi = long.MaxValue;
        if (!string.IsNullOrWhiteSpace(from) && !TimeBounds.TryParse(from, out lo))
        {
            return new FieldError("from", BoundMessage("from"));
        }
        if (!string.IsNullOrWhiteSpace(to) && !TimeBounds.TryParse(to, out hi))
        {
            return new FieldError("to", BoundMessage("to"));
        }
        if (lo > hi)
        {
            return new FieldError("from", "from must not be after to.");
        }
        range = new TimeRange("custom", lo, hi) { IsCustom = true };
        return null;
    }

    /// <summary>A bucket width (step=10s); null when not given.</summary>
    public static FieldError? TryParseStep(string? step, out long? stepMicros)
    {
        stepMicros = null;
        if (step is null)
        {
            return null;
        }
        if (!TimeWindow.TryParse(step, "", out var s) || s.Span is null)
        {
            return new FieldError("step", StepMessage);
        }
        stepMicros = (long)s.Span.Value.TotalMicroseconds;
        return null;
    }
}
