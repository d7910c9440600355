using System.Globalization;

namespace Dashboard.Export;

/// <summary>Excel's sheet-name rules: at most 31 characters, none of : \ / ? * [ ], no leading or trailing
/// apostrophe, not "History", unique ignoring case.</summary>
public sealed class XlsxSheetNames
{
    public const int MaxLength = 31;

    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase) { "History" };

    public string Add(string name, int part = 1)
    {
        var chars = name.Select(c => c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' || char.IsControl(c) ? '_' : c).ToArray();
        var legal = new string(chars).Trim('\'').Trim();
        if (legal.Length == 0)
        {
            legal = "metric";
        }
        if (part > 1)
        {
            var suffix = " (" + part.ToString(CultureInfo.InvariantCulture) + ")";
            legal = (legal.Length + suffix.Length > MaxLength ? legal[..(MaxLength - suffix.Length)] : legal) + suffix;
        }
        return ExportText.Unique(legal, _taken, MaxLength);
    }
}
