using System.Globalization;
using System.Text;

namespace Dashboard.Export;

/// <summary>Text rules shared by the exporters: timestamps, numbers, formula neutralizing and safe names.</summary>
public static class ExportText
{
    /// <summary>ISO-8601 UTC with microseconds, e.g. 2026-11-20T09:00:08.556856Z.</summary>
    public static string Timestamp(long micros) =>
        Timestamps.FromMicros(micros).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static bool TryFormatTimestamp(long micros, Span<char> destination, out int written) =>
        Timestamps.FromMicros(micros).UtcDateTime.TryFormat(destination, out written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'",
            CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// OWASP CSV injection: a text cell starting with = + - @ tab or carriage return is prefixed with
    /// a single quote, so a spreadsheet shows it instead of evaluating it. Numbers never pass here.
    /// </summary>
    public static string NeutralizeFormula(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    /// <summary>A file-name part: letters, digits, '.', '_' and '-' kept, anything else (':' '/' '\' ...) becomes '_'.</summary>
    public static string SafeFileName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '_');
        }
        var s = sb.ToString().Trim('.');
        return s.Length == 0 ? "_" : s.Length > 150 ? s[..150] : s;
    }

    /// <summary>Returns <paramref name="name"/>, or name~2, name~3 ... (within <paramref name="maxLength"/>) when taken.</summary>
    public static string Unique(string name, ISet<string> taken, int maxLength = int.MaxValue)
    {
        name = name.Length > maxLength ? name[..maxLength] : name;
        if (taken.Add(name))
        {
            return name;
        }
        for (var i = 2; ; i++)
        {
            var suffix = "~" + i.ToString(CultureInfo.InvariantCulture);
            var candidate = (name.Length + suffix.Length > maxLength ? name[..(maxLength - suffix.Length)] : name) + suffix;
            if (taken.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
