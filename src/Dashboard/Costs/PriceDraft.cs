using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Costs;

/// <summary>
/// The price dialog's fields as typed. <see cref="Build"/> checks the whole table with the row in it, through the API's
/// own parser (<see cref="PriceTableParser"/>), so the page refuses what PUT /api/v1/settings/prices refuses, in the same
/// words, each next to its field: a bad number, a second currency, a second row for the same model and day.
/// </summary>
public sealed class PriceDraft : FieldDraft
{
    public string Model { get; set; } = "";
    public string ValidFrom { get; set; } = "";
    public string Input { get; set; } = "";
    public string Output { get; set; } = "";
    public string Cached { get; set; } = "";
    public string Currency { get; set; } = "USD";

    /// <summary>The row being edited (replaced on save); null when adding.</summary>
    public PriceEntry? Original { get; init; }

    public static PriceDraft New(string? currency, DateOnly today) => new()
    {
        ValidFrom = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Currency = currency ?? "USD",
    };

    public static PriceDraft Edit(PriceEntry e) => new()
    {
        Original = e,
        Model = e.Model,
        ValidFrom = e.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Input = e.InputPerMillion.ToString("R", CultureInfo.InvariantCulture),
        Output = e.OutputPerMillion.ToString("R", CultureInfo.InvariantCulture),
        Cached = e.CachedInputPerMillion?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        Currency = e.Currency,
    };

    /// <summary>The whole table with this row added (or replacing <see cref="Original"/>), or null with <see cref="FieldDraft.Errors"/> filled.</summary>
    public IReadOnlyList<PriceEntry>? Build(IReadOnlyList<PriceEntry> table)
    {
        Errors.Clear();
        var others = table.Where(e => !Equals(e, Original)).ToList();
        var rows = new JsonArray();
        foreach (var e in others)
        {
            rows.Add(JsonSerializer.SerializeToNode(PriceRowResponse.From(e), WireJson.Options));
        }
        var row = new JsonObject
        {
            ["model"] = Model.Trim(),
            ["valid_from"] = ValidFrom.Trim(),
            ["currency"] = Currency.Trim().ToUpperInvariant(),
        };
        PutNumber(row, "input_per_million", Input);
        PutNumber(row, "output_per_million", Output);
        PutNumber(row, "cached_input_per_million", Cached);
        // Last, so a table-wide fault (second currency, duplicate model and day) is reported on this row.
        rows.Add(row);
        using var doc = JsonDocument.Parse(new JsonObject { ["prices"] = rows }.ToJsonString());
        var (entries, errors) = PriceTableParser.Parse(doc.RootElement);
        var mine = $"prices[{others.Count}].";
        foreach (var e in errors)
        {
            Errors.TryAdd(e.Field.StartsWith(mine, StringComparison.Ordinal) ? e.Field[mine.Length..] : e.Field, e.Message);
        }
        return Errors.Count > 0 ? null : entries;
    }
}
