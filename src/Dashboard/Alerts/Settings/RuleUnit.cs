using System.Globalization;

namespace Dashboard.Alerts.Settings;

/// <summary>
/// How a rule's threshold reads on the settings page: shares as percent (stored 0.8, shown 80 %), seconds,
/// tokens or turns. The stored document and the API keep the raw value; only the page converts.
/// </summary>
public sealed record RuleUnit(string Suffix, double Scale)
{
    public static readonly RuleUnit Percent = new("%", 100);
    public static readonly RuleUnit Seconds = new("s", 1);
    public static readonly RuleUnit Tokens = new("tokens", 1);
    public static readonly RuleUnit Turns = new("turns", 1);
    public static readonly RuleUnit None = new("", 1);
    /// <summary>Money in the price table's currency (one currency per table), never a share.</summary>
    public static readonly RuleUnit Cost = new("", 1);

    public bool IsPercent => ReferenceEquals(this, Percent);

    /// <summary>A built-in rule's unit: its declared unit, and percent for the rules that compare a share.</summary>
    public static RuleUnit Of(BuiltInRule rule) => rule.Unit switch
    {
        "s" => Seconds,
        "tokens" => Tokens,
        "turns" => Turns,
        "currency" => Cost,
        _ => Percent,
    };

    /// <summary>The value shown in the field: 0.8 -> "80" for percent.</summary>
    public string Show(double? stored) =>
        stored is { } v ? Math.Round(v * Scale, 6).ToString("0.######", CultureInfo.InvariantCulture) : "";

    /// <summary>Reads a field back ("80", "80%", "0.5 s") into the stored value; the error says what was wrong in words.</summary>
    public bool TryRead(string? text, out double stored, out string? error)
    {
        stored = 0;
        error = null;
        var t = (text ?? "").Trim();
        if (Suffix.Length > 0 && t.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            t = t[..^Suffix.Length].Trim();
        }
        if (t.Length == 0)
        {
            error = "Enter a value.";
            return false;
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var shown) || !double.IsFinite(shown))
        {
            error = $"'{text!.Trim()}' is not a number.";
            return false;
        }
        if (IsPercent && (shown < 0 || shown > 100))
        {
            error = "A share is between 0 % and 100 %.";
            return false;
        }
        if (shown < 0 && !ReferenceEquals(this, None))
        {
            error = "The value cannot be negative.";
            return false;
        }
        stored = shown / Scale;
        return true;
    }
}
