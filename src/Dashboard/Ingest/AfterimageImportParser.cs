using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Reads metrics.jsonl exactly as afterimage's FileMetricHandler writes it:
/// <c>{"metric": name, "value": v, "timestamp": iso, ...metadata}</c>, one object per line.
/// Naive timestamps are wall time in the given time zone (UTC by default); Python's NaN/Infinity tokens
/// and boolean values are read as afterimage wrote them. Each point gets the content id a live point
/// would get (<see cref="ContentIds"/>), so importing the same file twice, or backfilling a run that
/// was streamed live, stores each point once.
/// </summary>
internal static class AfterimageImportParser
{
    public static (List<ExpandedEvent> Events, List<IngestError> Errors, int Lines) Parse(ReadOnlySpan<byte> body, IngestOptions limits, long receivedAt,
        TimeZoneInfo? zone = null)
    {
        var events = new List<ExpandedEvent>();
        var errors = new List<IngestError>();
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
                var e = ParseLine(line, index, limits, receivedAt, zone ?? TimeZoneInfo.Utc, errors);
                if (e is not null)
                {
                    events.Add(e);
                }
                index++;
            }
        }
        ContentIds.Assign(events);
        return (events, errors, index);
    }

    private static ExpandedEvent? ParseLine(ReadOnlySpan<byte> line, int index, IngestOptions limits, long receivedAt,
        TimeZoneInfo zone, List<IngestError> errors)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            errors.Add(new IngestError(index, $"/lines/{index}", $"Line {index + 1} is not valid UTF-8."));
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(PythonJsonTokens.Quote(line.ToArray()));
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
            var (point, time) = Read(f, receivedAt, zone);
            // Pointers name the line rather than an events array.
            errors.AddRange(lineErrors.Select(x => x with { Pointer = x.Pointer.Replace("/events/", "/lines/") }));
            if (point is null)
            {
                return null;
            }
            var e = new ExpandedEvent { Id = null, Timestamp = point.Timestamp, Type = "metric", Time = time };
            e.Points.Add(point);
            return e;
        }
    }

    private static (MetricPoint? Point, EventTime Time) Read(EventFields f, long receivedAt, TimeZoneInfo zone)
    {
        if (f.Element.ValueKind != JsonValueKind.Object)
        {
            f.Fail("", "Each line must be a JSON object {metric, value, timestamp, ...}.");
            return (null, EventTime.Absent);
        }
        var name = f.Text("metric", required: true, isName: true);
        // Python's json.dumps writes the bools record_metric was given, and NaN/Infinity as bare tokens.
        var value = f.Number("value", required: true, nonFinite: true, booleans: true);
        var timestamp = receivedAt;
        var time = EventTime.Absent;
        if (f.TryGet("timestamp", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            time = EventTime.Stated;
            var error = Timestamps.TryRead(t, out timestamp, zone);
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
            return (null, time);
        }
        var metadata = new PointMetadata().With(f.Element, "metric", "value");
        return (metadata.Point(name!, timestamp, value!.Value), time);
    }
}
