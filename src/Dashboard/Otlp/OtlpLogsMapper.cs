using System.Buffers;
using System.Text.Json;
using Dashboard.Otlp.Proto;
using OtlpLogRecord = Dashboard.Otlp.Proto.LogRecord;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP log records into the run's log lines (severity WARN as warning, ERROR and FATAL as error, the
/// rest info; attributes, event name and trace ids as data); gen_ai.evaluation.result events become
/// evaluation scores instead. A record without a time takes the observed time, then the receive time.
/// </summary>
internal sealed class OtlpLogsMapper(IngestOptions limits, RunAttribution attribution, long receivedAt)
{
    public OtlpBatch Map(ExportLogsServiceRequest request)
    {
        var batch = new OtlpBatch();
        foreach (var resource in request.ResourceLogs)
        {
            var target = attribution.Resolve(resource.Resource);
            foreach (var scope in resource.ScopeLogs)
            {
                batch.Items += scope.LogRecords.Count;
                if (target is not { } t)
                {
                    batch.Reject(scope.LogRecords.Count, $"A resource has no '{attribution.RunAttribute}' attribute to name its run; send it or name the run with the x-dashboard-run header.");
                    continue;
                }
                var events = batch.EventsOf(t.Run, t.Project);
                foreach (var record in scope.LogRecords)
                {
                    if (Map(record, batch) is { } e)
                    {
                        events.Add(e);
                    }
                }
            }
        }
        return batch;
    }

    private ExpandedEvent? Map(OtlpLogRecord r, OtlpBatch batch)
    {
        var stated = OtlpNames.TryMicros(r.TimeUnixNano, out var ts) || OtlpNames.TryMicros(r.ObservedTimeUnixNano, out ts);
        if (!stated)
        {
            ts = receivedAt;
        }
        var eventName = r.EventName.Length > 0 ? r.EventName : OtlpAttributes.String(r.Attributes, "event.name");
        if (eventName == GenAiEvaluation.EventName)
        {
            return GenAiEvaluation.Map(r.Attributes, ts, null, limits, batch);
        }
        var message = r.Body is { } body ? OtlpAttributes.AsString(body) : null;
        if (string.IsNullOrEmpty(message))
        {
            message = eventName ?? r.SeverityText;
        }
        if (string.IsNullOrEmpty(message))
        {
            batch.Reject(1, "A log record needs a body or an event name.");
            return null;
        }
        // Over-long bodies are cut rather than refused: a log line is for reading, and the rest is in the sender's logs.
        if (message.Length > limits.MaxTextLength)
        {
            message = message[..(limits.MaxTextLength - 1)] + "…";
        }
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "log", Time = stated ? EventTime.Stated : EventTime.Received };
        e.Log = new Dashboard.Core.LogRecord(ts, Level(r), message, Data(r, eventName));
        return e;
    }

    private static string Level(OtlpLogRecord r)
    {
        var n = (int)r.SeverityNumber;
        if (n == 0)
        {
            return r.SeverityText.ToUpperInvariant() switch
            {
                "WARN" or "WARNING" => "warning",
                "ERROR" or "FATAL" or "CRITICAL" => "error",
                _ => "info",
            };
        }
        return n >= 17 ? "error" : n >= 13 ? "warning" : "info";
    }

    private string? Data(OtlpLogRecord r, string? eventName)
    {
        if (r.Attributes.Count == 0 && eventName is null && r.TraceId.Length == 0)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (eventName is not null && seen.Add("event.name"))
            {
                w.WriteString("event.name", eventName);
            }
            if (r.TraceId.Length > 0 && seen.Add("trace_id"))
            {
                w.WriteString("trace_id", Convert.ToHexStringLower(r.TraceId.Span));
            }
            if (r.SpanId.Length > 0 && seen.Add("span_id"))
            {
                w.WriteString("span_id", Convert.ToHexStringLower(r.SpanId.Span));
            }
            foreach (var kv in r.Attributes)
            {
                if (seen.Add(kv.Key))
                {
                    w.WritePropertyName(kv.Key);
                    if (kv.Value is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        OtlpAttributes.ToJsonElement(kv.Value).WriteTo(w);
                    }
                }
            }
            w.WriteEndObject();
        }
        // Data past Ingest:MaxMetadataBytes is left out rather than failing the line.
        return buffer.WrittenCount > limits.MaxMetadataBytes ? null : System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
