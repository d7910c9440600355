namespace Dashboard.Storage;

/// <summary>
/// The few spellings in which SQLite and PostgreSQL differ inside statements the Sql* stores write once. Metadata is
/// JSON text in both; a numeric label or pipeline reads as its JSON text on PostgreSQL (README, "PostgreSQL").
/// </summary>
/// <param name="Arrival">The column that orders equal timestamps by arrival: SQLite's rowid, PostgreSQL's seq.</param>
/// <param name="RunsThenPoints">The join from runs to their points: SQLite's CROSS JOIN keeps runs as the outer loop, so
/// each run's points are found through (run_id, metric_id, ts) instead of scanning all history.</param>
/// <param name="ByteOrder">Appended to an ORDER BY term over names so they sort by bytes on both.</param>
/// <param name="JsonValue">(column, key): the metadata key's value for grouping and output (SQLite: as typed in the JSON).</param>
/// <param name="JsonText">(column, key): the metadata key's value as text, or NULL.</param>
/// <param name="SameJson">(column a, column b, key): true when both hold the same value under key, both missing included.</param>
public sealed record SqlDialect(
    string Arrival, string RunsThenPoints, string ByteOrder, Func<string, string, string> JsonValue, Func<string, string, string> JsonText,
    Func<string, string, string, string> SameJson);
