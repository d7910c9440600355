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

    public string? ToJson()
    {
        if (_tags.Count == 0 && _extra is null)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in _tags)
            {
                written.Add(key);
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
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        return buffer.WrittenCount <= 2 ? null : System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

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
