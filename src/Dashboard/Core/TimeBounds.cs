using System.Globalization;

namespace Dashboard.Core;

/// <summary>
/// One bound of a time range as a query gives it (from=, to=): ISO-8601 (no offset means UTC) or Unix seconds,
/// from 1970 through 9999, rounded to the microsecond as stored times are.
/// </summary>
public static class TimeBounds
{
    /// <summary>9999-12-31T23:59:59Z: larger numbers are almost certainly milliseconds sent as seconds.</summary>
    public const double MaxUnixSeconds = 253_402_300_799;

    public static bool TryParse(string? text, out long micros)
    {
        micros = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || seconds is < 0 or > MaxUnixSeconds)
            {
                return false;
            }
            micros = (long)Math.Round(seconds * 1e6);
            return true;
        }
        return Timestamps.TryParseIso(text, out micros);
    }
}
