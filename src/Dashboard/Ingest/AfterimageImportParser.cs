using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Reads metrics.jsonl exactly as afterimage's FileMetricHandler writes it:
/// <c>{"metric": name, "value": v, "timestamp": iso, ...metadata}</c>, one object per line.
/// Naive timestamps are taken as UTC. Each line gets a content-derived id, so importing the
/// same file twice stores it once.
/// </summary>
internal static class AfterimageImportParser
{
    public static (List<ExpandedEvent> Events, List<IngestError> Errors, int Lines) Parse(ReadOnlySpan<byte> body, IngestOptions limits, long receivedAt)
    {
        var events = new List<ExpandedEvent>();
        var errors = new List<IngestError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        while (body.Length > 0)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.Trim((byte)' ').Length > 0)
            {
                var e = ParseLine(line, index, limits, receivedAt, errors, seen);
                if (e is not null)
                {
                    events.Add(e);
                }
                index++;
            }
        }
        return (events, errors, index);
    }

    private static ExpandedEvent? ParseLine(ReadOnlySpan<byte> line, int index, IngestOptions limits, long receivedAt,
        List<IngestError> errors, Dictionary<string, int> seen)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            errors.Add(new IngestError(index, $"/lines/{index}", $"Line {index + 1} is not valid UTF-8."));
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line.ToArray());
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            errors.Add(new IngestError(index, $"/lines/{index}", $"Line {index + 1} is not valid JSON: {ex.Message}"));
            return null;
        }
        using (doc)
        {
            var lineErrors = new List<IngestError>();
            var f = new EventFields(doc.RootElement, index, limits, lineErrors);
            var point = Read(f, receivedAt);
            // Pointers name the line rather than an events array.
            errors.AddRange(lineErrors.Select(x => x with { Pointer = x.Pointer.Replace("/events/", "/lines/") }));
            if (point is null)
            {
                return null;
            }
            var hash = Convert.ToHexStringLower(SHA256.HashData(line))[..24];
            var occurrence = seen[hash] = seen.GetValueOrDefault(hash) + 1;
            var e = new ExpandedEvent { Id = $"import:{hash}:{occurrence}", Timestamp = point.Timestamp, Type = "metric" };
            e.Points.Add(point);
            return e;
        }
    }

    private static MetricPoint? Read(EventFields f, long receivedAt)
    {
        if (f.Element.ValueKind != JsonValueKind.Object)
        {
            f.Fail("", "Each line must be a JSON object {metric, value, timestamp, ...}.");
            return null;
        }
        var name = f.Text("metric", required: true, isName: true);
        double? value = f.TryGet("value", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (v.GetBoolean() ? 1 : 0) // Python's json.dumps writes bools that record_metric was given
            : f.Number("value", required: true);
        var timestamp = receivedAt;
        if (f.TryGet("timestamp", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            var error = Timestamps.TryRead(t, out timestamp);
            if (error is not null)
            {
                f.Fail("timestamp", error);
            }
        }
        var raw = f.Element.GetRawText();
        if (raw.Length > f.Limits.MaxMetadataBytes + 1024)
        {
            f.Fail("", $"The line's metadata is larger than {f.Limits.MaxMetadataBytes} bytes.");
        }
        if (f.HasErrors)
        {
            return null;
        }
        var metadata = new PointMetadata().With(f.Element, "metric", "value");
        return metadata.Point(name!, timestamp, value!.Value);
    }
}
