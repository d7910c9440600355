using System.Globalization;
using System.Text.Json;

namespace Dashboard.Core;

/// <summary>How numbers and times read on every page (the one C# format): 1.2k tokens, 350 ms, 97.5%. charts.js mirrors these rules.</summary>
public static class Format
{
    public const string Dash = "–";

    public static string Count(double? value)
    {
        if (value is not { } v)
        {
            return Dash;
        }
        var a = Math.Abs(v);
        return a switch
        {
            >= 1e9 => (v / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G",
            >= 1e6 => (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
            >= 1e4 => (v / 1e3).ToString("0", CultureInfo.InvariantCulture) + "k",
            >= 1e3 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
            _ => v.ToString(v == Math.Floor(v) ? "0" : "0.##", CultureInfo.InvariantCulture),
        };
    }

    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : Dash;

    /// <summary>A duration given in seconds (afterimage's unit): 350 ms below a second, 7.46 s above.</summary>
    public static string Seconds(double? seconds) => seconds switch
    {
        null => Dash,
        < 1 and > -1 => (seconds.Value * 1000).ToString("0", CultureInfo.InvariantCulture) + " ms",
        < 100 => seconds.Value.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        _ => seconds.Value.ToString("0", CultureInfo.InvariantCulture) + " s",
    };

    public static string Number(double? value) =>
        value is { } v ? v.ToString(Math.Abs(v) >= 100 ? "0.#" : "0.###", CultureInfo.InvariantCulture) : Dash;

    public static string Time(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : Dash;

    public static string Iso(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "";

    /// <summary>Value for an &lt;input type="datetime-local"&gt;, in UTC.</summary>
    public static string LocalInput(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>Percent width for a CSS bar, clamped to 0..100.</summary>
    public static string Width(double share) =>
        Math.Clamp(share * 100, 0, 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string RunHref(string run) => "runs/" + Uri.EscapeDataString(run);

    /// <summary>
    /// JSON for a &lt;script type="application/json"&gt; block. System.Text.Json's default encoder escapes
    /// &lt; &gt; &amp; and quotes, so names like &lt;/script&gt; cannot end the block early.
    /// </summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, WireJson.Options);
}
