namespace Dashboard.Core;

/// <summary>One stored metric point, as afterimage records it: a name, a time, a value, and its metadata.</summary>
/// <param name="Name">Metric name, e.g. <c>generation_time</c> or <c>model_usage:gpt-4o</c>.</param>
/// <param name="Timestamp">Microseconds since the Unix epoch, UTC.</param>
/// <param name="Value">The value; NaN and infinities are kept (stored apart from the finite points).</param>
/// <param name="ModelName">The model tag (token counts, record_metric metadata), or null.</param>
/// <param name="MetadataJson">The remaining tags and metadata as a JSON object, or null when empty.</param>
/// <param name="Keys">
/// The top-level keys of <paramref name="MetadataJson"/> with the kind of their value, as built alongside it (so the
/// writer keeps per-key counts without parsing the JSON again); null when there is no metadata or nobody built them.
/// </param>
public sealed record MetricPoint(string Name, long Timestamp, double Value, string? ModelName, string? MetadataJson,
    MetadataKey[]? Keys = null)
{
    /// <summary>The point's content id (<c>Ingest.ContentIds</c>) when its event has no id of its own; the writer stores it once.</summary>
    public string? ContentId { get; init; }
}

/// <summary>A metadata key and the kind of its value: what an export's column type needs.</summary>
public readonly record struct MetadataKey(string Key, MetadataKind Kind)
{
    /// <summary>The top-level keys of a metadata object (for points built without <see cref="MetricPoint.Keys"/>).</summary>
    public static MetadataKey[]? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return null;
            }
            return [.. doc.RootElement.EnumerateObject().Select(p => new MetadataKey(p.Name, KindOf(p.Value.ValueKind)))];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static MetadataKind KindOf(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.Number => MetadataKind.Numeric,
        System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined => MetadataKind.Null,
        _ => MetadataKind.Other,
    };
}

/// <summary>Numeric (a JSON number), Other (any other non-null value) or Null (counts as neither).</summary>
public enum MetadataKind
{
    Null,
    Numeric,
    Other,
}

/// <summary>A log line sent as a <c>log</c> event.</summary>
public sealed record LogRecord(long Timestamp, string Level, string Message, string? DataJson);

/// <summary>One valid event after expansion: what the writer stores for it.</summary>
public sealed class ExpandedEvent
{
    public required string? Id { get; init; }
    public required long Timestamp { get; init; }
    public required string Type { get; init; }

    /// <summary>Where the timestamp came from; content ids are given only to points whose time the sender stated.</summary>
    public EventTime Time { get; init; } = EventTime.Stated;

    public List<MetricPoint> Points { get; } = [];

    /// <summary>Top-level fields the event's type does not define; they were stored as metadata.</summary>
    public IReadOnlyList<string>? UnknownFields { get; set; }
    public LogRecord? Log { get; set; }
}

/// <summary>Stated: the sender gave the time. Received: none was given, the receive time was used. Absent: an import line without one.</summary>
public enum EventTime
{
    Stated,
    Received,
    Absent,
}
