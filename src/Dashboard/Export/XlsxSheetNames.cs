using System.Globalization;
using System.Text;

namespace Dashboard.Export;

/// <summary>Excel's sheet-name rules: at most 31 characters, none of : \ / ? * [ ], no leading or trailing
/// apostrophe, not "History", unique ignoring case. Every cut falls between text elements (StringInfo), so
/// an emoji or a letter with combining marks is kept whole or dropped whole, never split into a lone
/// surrogate that would make the XML writer throw half-way through a streamed export.</summary>
public sealed class XlsxSheetNames
{
    public const int MaxLength = 31;

    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase) { "History" };

    public string Add(string name, int part = 1)
    {
        var legal = Legal(name);
        var suffix = part > 1 ? " (" + part.ToString(CultureInfo.InvariantCulture) + ")" : "";
        var candidate = Fit(legal, suffix);
        for (var i = 2; !_taken.Add(candidate); i++)
        {
            candidate = Fit(legal, suffix + "~" + i.ToString(CultureInfo.InvariantCulture));
        }
        return candidate;
    }

    /// <summary>Characters Excel or XML refuse become '_' (lone surrogates included); apostrophes and spaces at the ends go.</summary>
    internal static string Legal(string name)
    {
        var sb = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                sb.Append(c).Append(name[++i]);
                continue;
            }
            var bad = c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' or '\uFFFE' or '\uFFFF'
                || char.IsControl(c) || char.IsSurrogate(c);
            sb.Append(bad ? '_' : c);
        }
        var legal = TrimEnds(sb.ToString());
        return legal.Length == 0 ? "metric" : legal;
    }

    /// <summary><paramref name="name"/> cut on a text-element boundary so that it plus <paramref name="suffix"/> fits 31 UTF-16 units.</summary>
    internal static string Fit(string name, string suffix)
    {
        var budget = MaxLength - suffix.Length;
        if (name.Length > budget)
        {
            name = TrimEnds(CutToTextElements(name, budget));
            if (name.Length == 0)
            {
                name = "metric";
            }
        }
        return name + suffix;
    }

    /// <summary>The longest prefix of whole text elements that is at most <paramref name="maxUnits"/> UTF-16 units long.</summary>
    internal static string CutToTextElements(string text, int maxUnits)
    {
        var length = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = length + ((string)elements.Current).Length;
            if (next > maxUnits)
            {
                break;
            }
            length = next;
        }
        return text[..length];
    }

    // A cut can leave an apostrophe at the end ("ab'cd" cut after the quote): Excel refuses it there.
    private static string TrimEnds(string s) => s.Trim().Trim('\'').Trim();
}
