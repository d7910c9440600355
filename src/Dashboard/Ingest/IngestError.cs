namespace Dashboard.Ingest;

/// <summary>One fault in a request, pointing at the offending field (JSON Pointer).</summary>
public sealed record IngestError(int Index, string Pointer, string Message);
