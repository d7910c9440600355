using System.Globalization;
using System.Text.Json;

namespace Dashboard.Core;

/// <summary>Event times on the wire: ISO-8601 (no offset means UTC, or the import's time zone) or Unix seconds; stored as Unix microseconds.</summary>
public static class Timestamps
{
    // Years 1970..9999: anything else is almost certainly a unit mistake (milliseconds sent as seconds).
    private const double MaxUnixSeconds = 253_402_300_799;

    public static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, TimeSpan.Zero);

    /// <summary>An ISO-8601 time; one without an offset is wall time in <paramref name="naiveZone"/> (UTC when null).</summary>
    public static bool TryParseIso(string text, out long micros, TimeZoneInfo? naiveZone = null)
    {
        micros = 0;
        DateTimeOffset t;
        if (naiveZone is not null && naiveZone != TimeZoneInfo.Utc
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var wall)
            && wall.Kind == DateTimeKind.Unspecified)
        {
            t = ImportTimeZone.ToUtc(wall, naiveZone);
        }
        else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t))
        {
            return false;
        }
        if (t.UtcDateTime < DateTime.UnixEpoch)
        {
            return false;
        }
        micros = ToMicros(t);
        return true;
    }

    /// <summary>Reads a timestamp element; returns an error message, or null on success.</summary>
    public static string? TryRead(JsonElement v, out long micros, TimeZoneInfo? naiveZone = null)
    {
        micros = 0;
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                return TryParseIso(v.GetString()!, out micros, naiveZone)
                    ? null
                    : "'timestamp' must be ISO-8601 (e.g. 2026-11-20T09:00:08.556Z) or Unix seconds, from 1970 on.";
            case JsonValueKind.Number:
                if (!v.TryGetDouble(out var seconds) || !double.IsFinite(seconds) || seconds < 0 || seconds > MaxUnixSeconds)
                {
                    return "'timestamp' as a number must be Unix seconds between 0 and 253402300799.";
                }
                micros = (long)Math.Round(seconds * 1_000_000d);
                return null;
            default:
                return "'timestamp' must be an ISO-8601 string or a number of Unix seconds.";
        }
    }
}
