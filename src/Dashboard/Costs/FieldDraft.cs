using System.Globalization;
using System.Text.Json.Nodes;

namespace Dashboard.Costs;

/// <summary>
/// What the cost dialogs' drafts share: the fields are kept as typed, turned into the JSON the API takes and checked by
/// the API's own parser, whose messages land here by field so the page shows each next to its input.
/// </summary>
public abstract class FieldDraft
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    /// <summary>
    /// A finite number is sent as a number (whole ones as integers); other text is sent as a string so the parser names
    /// the field and says what it wants; an empty field is left out.
    /// </summary>
    protected static void PutNumber(JsonObject body, string name, string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return;
        }
        body[name] = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? (v == Math.Floor(v) && Math.Abs(v) < 1e15 ? JsonValue.Create((long)v) : JsonValue.Create(v))
            : JsonValue.Create(t);
    }
}
