using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dashboard.Costs;

/// <summary>
/// Reads a price table from JSON, as sent to PUT /api/v1/settings/prices, to the import endpoint or from a file on the
/// settings page: <c>{"prices": [{"model", "valid_from", "input_per_million", "output_per_million",
/// "cached_input_per_million"?, "currency"}]}</c> (a bare array is taken too). Every fault is reported, each naming its field.
/// </summary>
public static partial class PriceTableParser
{
    public const int MaxEntries = 10_000;
    public const int MaxModelLength = 200;

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    public static (IReadOnlyList<PriceEntry> Entries, IReadOnlyList<FieldError> Errors) Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            return Parse(doc.RootElement);
        }
        catch (JsonException ex)
        {
            return ([], [new FieldError("body", $"The body is not valid JSON: {ex.Message}")]);
        }
    }

    public static (IReadOnlyList<PriceEntry> Entries, IReadOnlyList<FieldError> Errors) Parse(JsonElement root)
    {
        var errors = new List<FieldError>();
        var entries = new List<PriceEntry>();
        var list = root;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (!root.TryGetProperty("prices", out list))
            {
                return ([], [new FieldError("prices", "'prices' is required: an array of price rows.")]);
            }
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            return ([], [new FieldError("prices", "'prices' must be an array of price rows.")]);
        }
        if (list.GetArrayLength() > MaxEntries)
        {
            return ([], [new FieldError("prices", $"At most {MaxEntries} price rows are taken.")]);
        }
        var i = 0;
        foreach (var row in list.EnumerateArray())
        {
            if (ReadRow(row, $"prices[{i}]", errors) is { } entry)
            {
                entries.Add(entry);
            }
            i++;
        }
        CheckTable(entries, errors);
        return (entries, errors);
    }

    /// <summary>Rules over the whole table: one currency (sums across currencies mean nothing without exchange rates)
    /// and one row per model key and day.</summary>
    public static void CheckTable(IReadOnlyList<PriceEntry> entries, List<FieldError> errors)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Currency != entries[0].Currency)
            {
                errors.Add(new FieldError($"prices[{i}].currency",
                    $"Every price must be in one currency; the first row uses {entries[0].Currency}, this one {entries[i].Currency}."));
            }
        }
        var seen = new HashSet<(string, DateOnly)>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (!seen.Add((entries[i].Model.ToLowerInvariant(), entries[i].ValidFrom)))
            {
                errors.Add(new FieldError($"prices[{i}].valid_from",
                    $"'{entries[i].Model}' already has a price from {entries[i].ValidFrom:yyyy-MM-dd}."));
            }
        }
    }

    private static PriceEntry? ReadRow(JsonElement row, string path, List<FieldError> errors)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(path, "Each price row must be a JSON object."));
            return null;
        }
        var before = errors.Count;
        var model = Text(row, "model", path, errors);
        if (model is not null && (model.Trim().Length == 0 || model.Length > MaxModelLength || model.Any(char.IsControl)))
        {
            errors.Add(new FieldError($"{path}.model", $"'model' must be 1 to {MaxModelLength} characters without control characters ('*' matches any text)."));
        }
        var validFrom = default(DateOnly);
        if (Text(row, "valid_from", path, errors) is { } day
            && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out validFrom))
        {
            errors.Add(new FieldError($"{path}.valid_from", "'valid_from' must be a date as yyyy-MM-dd (a UTC day)."));
        }
        var input = Price(row, "input_per_million", path, errors, required: true);
        var output = Price(row, "output_per_million", path, errors, required: true);
        var cached = Price(row, "cached_input_per_million", path, errors, required: false);
        var currency = Text(row, "currency", path, errors);
        if (currency is not null && !CurrencyCode().IsMatch(currency))
        {
            errors.Add(new FieldError($"{path}.currency", "'currency' must be an ISO 4217 code such as USD or EUR."));
        }
        foreach (var p in row.EnumerateObject())
        {
            if (p.Name is not ("model" or "valid_from" or "input_per_million" or "output_per_million" or "cached_input_per_million" or "currency"))
            {
                errors.Add(new FieldError($"{path}.{p.Name}", $"'{p.Name}' is not a field of a price row."));
            }
        }
        return errors.Count > before ? null : new PriceEntry(model!, validFrom, input!.Value, output!.Value, cached, currency!);
    }

    private static string? Text(JsonElement row, string name, string path, List<FieldError> errors)
    {
        if (row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }
        errors.Add(new FieldError($"{path}.{name}", $"'{name}' is required and must be a string."));
        return null;
    }

    private static double? Price(JsonElement row, string name, string path, List<FieldError> errors, bool required)
    {
        if (!row.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new FieldError($"{path}.{name}", $"'{name}' is required: the price per million tokens."));
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d) || d < 0 || d > 1_000_000)
        {
            errors.Add(new FieldError($"{path}.{name}", $"'{name}' must be a number from 0 to 1000000 (price per million tokens)."));
            return null;
        }
        return d;
    }
}
