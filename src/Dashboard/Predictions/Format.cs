using System.Globalization;

namespace Dashboard.Predictions;

/// <summary>How the analytics pages print numbers; wwwroot/js/analytics-format.js prints them the same way.</summary>
public static class Format
{
    public const string None = "–";

    public static string Count(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Rate(double? share) => share is { } s ? s.ToString("0.0%", CultureInfo.InvariantCulture) : None;

    public static string Decimal(double? value, int digits = 3) =>
        value is { } v ? v.ToString("#,0." + new string('0', digits), CultureInfo.InvariantCulture) : None;

    public static string Seconds(double? value) => value is { } v ? Decimal(v) + " s" : None;
}
