using System.Text.Json;

namespace Dashboard.Costs;

/// <summary>Reads <c>{"thresholds": {"quality": 0.8}}</c>: per evaluation score name, the minimum score of an accepted sample.</summary>
public static class AcceptanceParser
{
    public const int MaxScores = 1000;

    public static (IReadOnlyDictionary<string, double> Thresholds, IReadOnlyList<FieldError> Errors) Parse(JsonElement root)
    {
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("thresholds", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return (map, [new FieldError("thresholds", "'thresholds' is required: an object of score name to minimum score, e.g. {\"quality\": 0.8}.")]);
        }
        var errors = new List<FieldError>();
        foreach (var p in t.EnumerateObject())
        {
            if (p.Name.Length is 0 or > 200 || p.Name.Any(char.IsControl))
            {
                errors.Add(new FieldError($"thresholds.{p.Name}", "A score name must be 1 to 200 characters without control characters."));
            }
            else if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var v) || !double.IsFinite(v))
            {
                errors.Add(new FieldError($"thresholds.{p.Name}", $"The threshold of '{p.Name}' must be a finite number."));
            }
            else
            {
                map[p.Name] = v;
            }
        }
        if (map.Count > MaxScores)
        {
            errors.Add(new FieldError("thresholds", $"At most {MaxScores} score names are taken."));
        }
        return (map, errors);
    }
}
