namespace Dashboard.Ingest;

/// <summary>
/// The answer to an ingest or import request: events stored, events skipped as duplicates of a
/// stored id, points written, (207 only) one entry per invalid field, and the top-level fields typed events
/// did not define (kept as metadata), once per batch.
/// </summary>
public sealed record IngestResponse(int Accepted, int Duplicates, int Points,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IngestError>? Errors = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? IgnoredFields = null);

