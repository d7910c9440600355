using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// The id of a point sent without an event id: a hash of what the point is, not of how it travelled, so
/// the same point sent live (a metric event, or a typed event's expansion) and read back from a
/// metrics.jsonl import gets the same id, and replaying or backfilling it stores nothing twice.
/// The hash covers the metric name, the UTC timestamp in microseconds (or "-" for an import line
/// without one), the value (shortest round-trip text; NaN, Infinity, -Infinity), the model name, and
/// the stored metadata with keys sorted and numbers in shortest round-trip form. Identical points
/// within one request are kept apart by their occurrence (":1", ":2", ...).
/// Points whose time the sender did not state (the receive time was used) get no id: there is no
/// "same point" to recognize later.
/// </summary>
internal static class ContentIds
{
    public static void Assign(IEnumerable<ExpandedEvent> events)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Id is not null || e.Time == EventTime.Received)
            {
                continue;
            }
            for (var i = 0; i < e.Points.Count; i++)
            {
                var p = e.Points[i];
                var hash = Hash(p, e.Time == EventTime.Stated);
                var occurrence = seen[hash] = seen.GetValueOrDefault(hash) + 1;
                e.Points[i] = p with { ContentId = $"p:{hash}:{occurrence}" };
            }
        }
    }

    public static string Hash(MetricPoint p, bool withTime)
    {
        var text = new StringBuilder(128)
            .Append(p.Name).Append('\n')
            .Append(withTime ? p.Timestamp.ToString(CultureInfo.InvariantCulture) : "-").Append('\n')
            .Append(p.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n')
            .Append(p.ModelName).Append('\n')
            .Append(Canonical(p.MetadataJson));
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToBase64String(digest.AsSpan(0, 15)).Replace('+', '-').Replace('/', '_');
    }

    private static string Canonical(string? json)
    {
        if (json is null)
        {
            return "";
        }
        using var doc = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, doc.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter w, JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in v.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in v.EnumerateArray())
                {
                    Write(w, item);
                }
                w.WriteEndArray();
                break;
            case JsonValueKind.Number when v.TryGetDouble(out var d) && double.IsFinite(d):
                // 1, 1.0 and 1e0 are one number: Python writes 1.0 where .NET writes 1.
                w.WriteRawValue(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                v.WriteTo(w);
                break;
        }
    }
}
