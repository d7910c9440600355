using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Core;

/// <summary>
/// The time zone a metrics.jsonl was written in: afterimage stamps naive local times, so the import needs
/// it to store the right instants. An IANA name (America/New_York, Asia/Kolkata) or a UTC offset
/// (+05:30, -0500, UTC+2); default UTC. Times that carry an offset or Z are taken as written.
/// Around daylight-saving changes it converts as Python's datetime does with fold=0: a wall time that
/// occurs twice is the first (earlier) instant; a wall time skipped by the jump gets the offset before it.
/// </summary>
public static partial class ImportTimeZone
{
    [GeneratedRegex(@"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetPattern();

    public const string Help = "timezone must be an IANA name (e.g. America/New_York) or a UTC offset (e.g. +05:30, -0500, UTC+2).";

    public static bool TryParse(string? text, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(text) || text is "Z" or "UTC" or "utc" or "GMT")
        {
            return true;
        }
        if (OffsetPattern().Match(text) is { Success: true } m)
        {
            var hours = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var minutes = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            if (hours > 14 || minutes > 59)
            {
                return false;
            }
            var offset = new TimeSpan(hours, minutes, 0) * (m.Groups[1].Value == "-" ? -1 : 1);
            zone = TimeZoneInfo.CreateCustomTimeZone(text, offset, text, text);
            return true;
        }
        if (text.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(text, out var found))
        {
            zone = found;
            return true;
        }
        return false;
    }

    /// <summary>The UTC instant of a naive wall time in <paramref name="zone"/>.</summary>
    public static DateTimeOffset ToUtc(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        var offset = zone.IsAmbiguousTime(wall)
            ? zone.GetAmbiguousTimeOffsets(wall).Max() // the larger offset is the earlier instant (fold=0)
            : zone.GetUtcOffset(wall);                 // for a skipped wall time: the standard offset, in force before the jump
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }
}
