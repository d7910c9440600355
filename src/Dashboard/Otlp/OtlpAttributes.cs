using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Otlp;

/// <summary>Reads OTLP attribute lists and turns them into point metadata (one tag per attribute).</summary>
internal static class OtlpAttributes
{
    /// <summary>Attributes that name the model: they move to the point's model column, as ingest's model_name does.</summary>
    public static readonly string[] ModelKeys = ["gen_ai.response.model", "gen_ai.request.model"];

    public static AnyValue? Find(RepeatedField<KeyValue> attributes, string key)
    {
        foreach (var kv in attributes)
        {
            if (string.Equals(kv.Key, key, StringComparison.Ordinal))
            {
                return kv.Value;
            }
        }
        return null;
    }

    public static string? String(RepeatedField<KeyValue> attributes, string key) =>
        Find(attributes, key) is { } v ? AsString(v) : null;

    public static double? Number(RepeatedField<KeyValue> attributes, string key) => Find(attributes, key) switch
    {
        { ValueCase: AnyValue.ValueOneofCase.IntValue } v => v.IntValue,
        { ValueCase: AnyValue.ValueOneofCase.DoubleValue } v when double.IsFinite(v.DoubleValue) => v.DoubleValue,
        { ValueCase: AnyValue.ValueOneofCase.StringValue } v when double.TryParse(v.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    /// <summary>The model named by the attributes: the response's model first, then the requested one.</summary>
    public static string? Model(RepeatedField<KeyValue> attributes)
    {
        foreach (var key in ModelKeys)
        {
            if (String(attributes, key) is { Length: > 0 } model)
            {
                return model;
            }
        }
        return null;
    }

    /// <summary>Strings as they are; numbers and booleans in invariant text; arrays and maps as JSON.</summary>
    public static string? AsString(AnyValue v) => v.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => v.StringValue,
        AnyValue.ValueOneofCase.None => null,
        _ => ToTag(v) switch
        {
            JsonElement e => e.GetRawText(),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var o => o?.ToString(),
        },
    };

    /// <summary>A strings array attribute (gen_ai.response.finish_reasons), or a single string as one item.</summary>
    public static IReadOnlyList<string> Strings(RepeatedField<KeyValue> attributes, string key) => Find(attributes, key) switch
    {
        { ValueCase: AnyValue.ValueOneofCase.ArrayValue } v => [.. v.ArrayValue.Values.Select(AsString).OfType<string>()],
        { ValueCase: AnyValue.ValueOneofCase.StringValue } v => [v.StringValue],
        _ => [],
    };

    /// <summary>Every attribute as a tag, except <paramref name="skip"/>; the model moves to the model column.</summary>
    public static PointMetadata Tags(PointMetadata metadata, RepeatedField<KeyValue> attributes, params string[] skip)
    {
        metadata.Model(Model(attributes));
        foreach (var kv in attributes)
        {
            if (kv.Key.Length == 0 || Array.IndexOf(skip, kv.Key) >= 0 || Array.IndexOf(ModelKeys, kv.Key) >= 0)
            {
                continue;
            }
            metadata.Tag(kv.Key, ToTag(kv.Value));
        }
        return metadata;
    }

    /// <summary>A tag value PointMetadata writes: string, bool, long, double, or a JsonElement for arrays and maps.</summary>
    public static object? ToTag(AnyValue? v) => v?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => v.StringValue,
        AnyValue.ValueOneofCase.BoolValue => v.BoolValue,
        AnyValue.ValueOneofCase.IntValue => v.IntValue,
        // JSON has no NaN or infinity: such values are kept as their text.
        AnyValue.ValueOneofCase.DoubleValue => double.IsFinite(v.DoubleValue) ? v.DoubleValue : v.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(v.BytesValue.Span),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => ToJsonElement(v),
        _ => null,
    };

    public static JsonElement ToJsonElement(AnyValue v)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, v, depth: 0);
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>A JSON element for a value the ingest metadata can hold (arrays of numbers for histogram buckets).</summary>
    public static JsonElement NumbersToJson<T>(IEnumerable<T> values) => JsonSerializer.SerializeToElement(values);

    private static void Write(Utf8JsonWriter w, AnyValue? v, int depth)
    {
        // Nesting past the ingest metadata depth is cut, not refused: attributes are the sender's business.
        if (v is null || depth > 6)
        {
            w.WriteNullValue();
            return;
        }
        switch (v.ValueCase)
        {
            case AnyValue.ValueOneofCase.ArrayValue:
                w.WriteStartArray();
                foreach (var item in v.ArrayValue.Values)
                {
                    Write(w, item, depth + 1);
                }
                w.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                w.WriteStartObject();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var kv in v.KvlistValue.Values)
                {
                    if (seen.Add(kv.Key))
                    {
                        w.WritePropertyName(kv.Key);
                        Write(w, kv.Value, depth + 1);
                    }
                }
                w.WriteEndObject();
                break;
            default:
                switch (ToTag(v))
                {
                    case null: w.WriteNullValue(); break;
                    case string s: w.WriteStringValue(s); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case long l: w.WriteNumberValue(l); break;
                    case double d: w.WriteNumberValue(d); break;
                }
                break;
        }
    }
}
