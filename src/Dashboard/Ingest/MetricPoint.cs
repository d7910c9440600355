namespace Dashboard.Ingest;

/// <summary>One stored metric point, as afterimage records it: a name, a time, a value, and its metadata.</summary>
/// <param name="Name">Metric name, e.g. <c>generation_time</c> or <c>model_usage:gpt-4o</c>.</param>
/// <param name="Timestamp">Microseconds since the Unix epoch, UTC.</param>
/// <param name="Value">The value; always finite.</param>
/// <param name="ModelName">The model tag (token counts, record_metric metadata), or null.</param>
/// <param name="MetadataJson">The remaining tags and metadata as a JSON object, or null when empty.</param>
public sealed record MetricPoint(string Name, long Timestamp, double Value, string? ModelName, string? MetadataJson);

/// <summary>A log line sent as a <c>log</c> event.</summary>
public sealed record LogRecord(long Timestamp, string Level, string Message, string? DataJson);

/// <summary>One valid event after expansion: what the writer stores for it.</summary>
public sealed class ExpandedEvent
{
    public required string? Id { get; init; }
    public required long Timestamp { get; init; }
    public required string Type { get; init; }
    public List<MetricPoint> Points { get; } = [];
    public LogRecord? Log { get; set; }
}

/// <summary>One fault in a request, pointing at the offending field (JSON Pointer).</summary>
public sealed record IngestError(int Index, string Pointer, string Message);
