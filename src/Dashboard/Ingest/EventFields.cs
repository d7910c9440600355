using System.Globalization;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Strict readers for one event's fields. Each records a fault with its JSON Pointer instead of
/// throwing, so one request can report every bad field at once.
/// </summary>
internal sealed class EventFields(JsonElement element, int index, IngestOptions limits, List<IngestError> errors)
{
    public JsonElement Element { get; } = element;
    public int Index { get; } = index;
    public IngestOptions Limits { get; } = limits;
    public bool HasErrors { get; private set; }

    public void Fail(string field, string message)
    {
        HasErrors = true;
        errors.Add(new IngestError(Index, $"/events/{Index}/{field}", message));
    }

    public bool Has(string field) => Element.TryGetProperty(field, out _);

    public bool TryGet(string field, out JsonElement value) => Element.TryGetProperty(field, out value);

    /// <summary>
    /// A finite number; other strings, booleans and out-of-range literals (1e400) are faults. Null or absent gives null.
    /// With <paramref name="nonFinite"/> (afterimage's value fields) NaN, Infinity and -Infinity are kept, written as
    /// Python's bare tokens or as those exact strings; with <paramref name="booleans"/> true/false read as 1/0, as
    /// afterimage's record_metric(name, True) stores them.
    /// </summary>
    public double? Number(string field, bool required = false, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool nonFinite = false, bool booleans = false)
    {
        if (!Element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, $"'{field}' is required and must be a number.");
            }
            return null;
        }
        if (booleans && v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean() ? 1 : 0;
        }
        double d;
        if (nonFinite && NonFinite(v) is { } special)
        {
            d = special; // NaN passes the range check (every comparison is false); -Infinity fails a minimum of 0
        }
        else if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out d) || !double.IsFinite(d))
        {
            Fail(field, nonFinite
                ? $"'{field}' must be a number (NaN, Infinity and -Infinity are kept)."
                : $"'{field}' must be a finite number.");
            return null;
        }
        if (d < min || d > max)
        {
            Fail(field, max == double.PositiveInfinity
                ? $"'{field}' must be at least {min.ToString(CultureInfo.InvariantCulture)}."
                : $"'{field}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }
        return d;
    }

    /// <summary>NaN, +Infinity or -Infinity when the element is one of the strings "NaN", "Infinity", "-Infinity".</summary>
    public static double? NonFinite(JsonElement v) => v.ValueKind != JsonValueKind.String ? null : v.GetString() switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    public bool? Bool(string field, bool required = false)
    {
        if (!Element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, $"'{field}' is required and must be true or false.");
            }
            return null;
        }
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }
        Fail(field, $"'{field}' must be true or false.");
        return null;
    }

    /// <summary>A string of at most <paramref name="maxLength"/> characters without control characters when it is a name.</summary>
    public string? Text(string field, bool required = false, bool isName = false, int? maxLength = null)
    {
        if (!Element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, $"'{field}' is required and must be a string.");
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            Fail(field, $"'{field}' must be a string.");
            return null;
        }
        var s = v.GetString()!;
        var limit = maxLength ?? (isName ? Limits.MaxNameLength : Limits.MaxTextLength);
        if (s.Length > limit)
        {
            Fail(field, $"'{field}' must be at most {limit} characters.");
            return null;
        }
        if (isName && (s.Length == 0 || s.Any(char.IsControl)))
        {
            Fail(field, $"'{field}' must be non-empty and free of control characters.");
            return null;
        }
        if (required && s.Length == 0)
        {
            Fail(field, $"'{field}' must not be empty.");
            return null;
        }
        return s;
    }

    /// <summary>An object within the depth and size limits; returned as its JSON element.</summary>
    public JsonElement? Object(string field, bool required = false)
    {
        if (!Element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, $"'{field}' is required and must be an object.");
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            Fail(field, $"'{field}' must be an object.");
            return null;
        }
        if (Depth(v) > Limits.MaxMetadataDepth)
        {
            Fail(field, $"'{field}' is nested deeper than {Limits.MaxMetadataDepth} levels.");
            return null;
        }
        if (v.GetRawText().Length > Limits.MaxMetadataBytes)
        {
            Fail(field, $"'{field}' is larger than {Limits.MaxMetadataBytes} bytes.");
            return null;
        }
        if (ContainsNonFinite(v))
        {
            Fail(field, $"'{field}' holds a number that is not finite.");
            return null;
        }
        return v;
    }

    /// <summary>Python truthiness of a field, as afterimage tests <c>kwargs["error"]</c>.</summary>
    public static bool IsTruthy(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.True => true,
        JsonValueKind.Number => v.TryGetDouble(out var d) && d != 0,
        JsonValueKind.String => v.GetString()!.Length > 0,
        JsonValueKind.Array => v.GetArrayLength() > 0,
        JsonValueKind.Object => v.EnumerateObject().Any(),
        _ => true,
    };

    private static int Depth(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => 1 + v.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + v.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    // System.Text.Json never yields NaN from a number token, but very large literals (1e400) parse to infinity.
    private static bool ContainsNonFinite(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => !v.TryGetDouble(out var d) || !double.IsFinite(d),
        JsonValueKind.Object => v.EnumerateObject().Any(p => ContainsNonFinite(p.Value)),
        JsonValueKind.Array => v.EnumerateArray().Any(ContainsNonFinite),
        _ => false,
    };
}
