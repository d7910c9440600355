namespace Dashboard.Costs;

/// <summary>
/// Finds the price of a model at a time. Rule: among the rows whose model key matches the model name (case-insensitive)
/// and whose valid-from day is on or before the point's UTC day, the most specific key wins (an exact name beats any
/// pattern; a pattern with more literal characters beats one with fewer; ties by key text), and of that key the latest
/// valid-from. A model no row matches, or a time before every matching row, has no price (unpriced, never zero).
/// </summary>
public sealed class PriceTable
{
    private readonly IReadOnlyList<PriceEntry> _entries;
    private readonly Dictionary<string, PriceEntry[]> _byModel = new(StringComparer.OrdinalIgnoreCase);

    public PriceTable(IReadOnlyList<PriceEntry> entries)
    {
        _entries = entries;
        Currency = entries.Count > 0 ? entries[0].Currency : null;
    }

    public static readonly PriceTable Empty = new([]);

    public IReadOnlyList<PriceEntry> Entries => _entries;

    /// <summary>The table's one currency (a table mixing currencies is refused on save), or null when empty.</summary>
    public string? Currency { get; }

    /// <summary>The price valid on <paramref name="day"/>, or null (unpriced). A null or empty model is never priced.</summary>
    public PriceEntry? Find(string? model, DateOnly day)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }
        if (!_byModel.TryGetValue(model, out var candidates))
        {
            // Most specific first, then newest first: the first row valid on the day is the answer.
            candidates = [.. _entries.Where(e => Matches(e.Model, model))
                .OrderByDescending(e => Specificity(e.Model))
                .ThenBy(e => e.Model, StringComparer.OrdinalIgnoreCase)
                .ThenByDescending(e => e.ValidFrom)];
            _byModel[model] = candidates;
        }
        foreach (var c in candidates)
        {
            if (c.ValidFrom <= day)
            {
                return c;
            }
        }
        return null;
    }

    public PriceEntry? Find(string? model, long micros) => Find(model, DayOf(micros));

    public static DateOnly DayOf(long micros) =>
        DateOnly.FromDateTime(DateTime.UnixEpoch.AddTicks(Math.Max(0, micros) * 10));

    /// <summary>An exact key ranks above every pattern; patterns rank by their count of literal characters.</summary>
    public static int Specificity(string key) =>
        key.Contains('*', StringComparison.Ordinal) ? key.Count(ch => ch != '*') : int.MaxValue;

    /// <summary>Case-insensitive match where <c>*</c> in the key stands for any run of characters (also none).</summary>
    public static bool Matches(string key, string model)
    {
        if (!key.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(key, model, StringComparison.OrdinalIgnoreCase);
        }
        var parts = key.Split('*');
        var s = model.AsSpan();
        if (!s.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        s = s[parts[0].Length..];
        var last = parts[^1];
        for (var i = 1; i < parts.Length - 1; i++)
        {
            if (parts[i].Length == 0)
            {
                continue;
            }
            var at = s.IndexOf(parts[i], StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }
            s = s[(at + parts[i].Length)..];
        }
        return s.Length >= last.Length && s.EndsWith(last, StringComparison.OrdinalIgnoreCase);
    }
}
