using System.Buffers;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Builds a point's flat metadata object: its tags first, then the event's metadata keys.
/// model_name never stays in the JSON: it moves to the point's own column, so exports
/// have exactly one model_name; timestamp is dropped because the point has its own.
/// </summary>
internal sealed class PointMetadata
{
    private readonly List<KeyValuePair<string, object?>> _tags = [];
    private JsonElement? _extra;
    private string[] _skip = [];

    public string? ModelName { get; private set; }

    public PointMetadata Tag(string key, object? value)
    {
        _tags.Add(new(key, value));
        return this;
    }

    public PointMetadata Model(string? modelName)
    {
        ModelName = modelName;
        return this;
    }

    public PointMetadata With(JsonElement? metadata, params string[] skipKeys)
    {
        _extra = metadata;
        _skip = skipKeys;
        if (ModelName is null && metadata is { } m && m.TryGetProperty("model_name", out var model) && model.ValueKind == JsonValueKind.String)
        {
            ModelName = model.GetString();
        }
        return this;
    }

    /// <summary>The metadata object, or null when empty; <paramref name="keys"/> gets its top-level keys with their kinds.</summary>
    public string? ToJson(out MetadataKey[]? keys)
    {
        keys = null;
        if (_tags.Count == 0 && _extra is null)
        {
            return null;
        }
        var list = new List<MetadataKey>(_tags.Count + 4);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in _tags)
            {
                written.Add(key);
                list.Add(new MetadataKey(key, KindOf(value)));
                w.WritePropertyName(key);
                WriteValue(w, value);
            }
            if (_extra is { } extra)
            {
                foreach (var p in extra.EnumerateObject())
                {
                    if (p.Name is "model_name" or "timestamp" || _skip.Contains(p.Name) || !written.Add(p.Name))
                    {
                        continue;
                    }
                    list.Add(new MetadataKey(p.Name, MetadataKey.KindOf(p.Value.ValueKind)));
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        if (buffer.WrittenCount <= 2)
        {
            return null;
        }
        keys = [.. list];
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A point carrying this metadata: model name, JSON and its keys.</summary>
    public MetricPoint Point(string name, long timestamp, double value)
    {
        var json = ToJson(out var keys);
        return new MetricPoint(name, timestamp, value, ModelName, json, keys);
    }

    private static MetadataKind KindOf(object? value) => value switch
    {
        null => MetadataKind.Null,
        double or long or int => MetadataKind.Numeric,
        JsonElement e => MetadataKey.KindOf(e.ValueKind),
        _ => MetadataKind.Other,
    };

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d: w.WriteNumberValue(d); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case JsonElement e: e.WriteTo(w); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
