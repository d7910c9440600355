using System.Text.Json;

namespace Dashboard.Export;

/// <summary>afterimage's JSON shape, {metric: [{timestamp, value, ...}]}, keeping model_name and every metadata key.</summary>
public sealed class JsonExporter : IExporter
{
    private const int FlushBytes = 64 * 1024;

    public void Write(ExportPlan plan, Func<ExportMetric, IEnumerable<ExportPoint>> points, Stream output, CancellationToken ct)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        w.WriteStartObject();
        foreach (var metric in plan.Metrics)
        {
            w.WriteStartArray(metric.Name);
            var columns = metric.Keys.ToDictionary(k => k.Key, k => k.Column, StringComparer.Ordinal);
            foreach (var p in points(metric))
            {
                w.WriteStartObject();
                w.WriteString("timestamp", ExportText.Timestamp(p.Timestamp));
                w.WriteNumber("value", p.Value);
                if (p.ModelName is not null)
                {
                    w.WriteString("model_name", p.ModelName);
                }
                if (p.MetadataJson is not null)
                {
                    using var doc = JsonDocument.Parse(p.MetadataJson);
                    foreach (var prop in doc.RootElement.EnumerateObject())
                    {
                        w.WritePropertyName(columns.GetValueOrDefault(prop.Name, prop.Name));
                        prop.Value.WriteTo(w);
                    }
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
}
