using System.Text.Json;

namespace Dashboard.Export;

/// <summary>afterimage's JSON shape, {metric: [{timestamp, value, ...}]}, keeping model_name and every metadata key.</summary>
public sealed class JsonExporter : IExporter
{
    private const int FlushBytes = 64 * 1024;

    public void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        w.WriteStartObject();
        foreach (var metric in plan.Metrics)
        {
            w.WriteStartArray(metric.Name);
            // Only keys that clash with a fixed field are renamed; every other key is copied as it is stored.
            var columns = metric.Keys.Where(k => k.Key != k.Column).ToDictionary(k => k.Key, k => k.Column, StringComparer.Ordinal);
            foreach (var p in reader.Points(metric))
            {
                w.WriteStartObject();
                w.WriteString("timestamp", ExportText.Timestamp(p.Timestamp));
                w.WriteNumber("value", p.Value);
                if (p.ModelName is not null)
                {
                    w.WriteString("model_name", p.ModelName);
                }
                if (!p.Metadata.IsEmpty)
                {
                    CopyMetadata(w, p.Metadata.Span, columns);
                }
                if (plan.CostColumn is not null && plan.CostOf(metric, p) is { } cost)
                {
                    w.WriteNumber(plan.CostColumn, cost);
                }
                w.WriteEndObject();
                if (w.BytesPending > FlushBytes)
                {
                    w.Flush();
                }
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>Copies a flat metadata object's members into the open object, without a DOM: names and values re-written
    /// as JsonElement.WriteTo would (strings re-escaped by the writer, numbers as stored, nested values as JSON).</summary>
    private static void CopyMetadata(Utf8JsonWriter w, ReadOnlySpan<byte> json, Dictionary<string, string> renamed)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || renamed.Count > 0)
            {
                var name = reader.GetString()!;
                w.WritePropertyName(renamed.GetValueOrDefault(name, name));
            }
            else
            {
                w.WritePropertyName(reader.ValueSpan);
            }
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String when !reader.ValueIsEscaped:
                    w.WriteStringValue(reader.ValueSpan);
                    break;
                case JsonTokenType.String:
                    w.WriteStringValue(reader.GetString());
                    break;
                case JsonTokenType.Number:
                    w.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    w.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                    break;
                case JsonTokenType.Null:
                    w.WriteNullValue();
                    break;
                default:
                    using (var doc = JsonDocument.ParseValue(ref reader))
                    {
                        doc.RootElement.WriteTo(w);
                    }
                    break;
            }
        }
    }
}
