using NpgsqlTypes;

namespace Dashboard.Storage.Postgres;

/// <summary>How one table is copied: its columns (same names on both sides) and how it is walked in chunks.</summary>
/// <param name="Name">The table, named alike in both databases.</param>
/// <param name="Columns">Its columns and their PostgreSQL types (for binary COPY).</param>
/// <param name="Key">
/// <c>rowid</c>: chunks in rowid order (insertion order, which also gives points their seq in that order);
/// <c>run_id,event_id</c>: keyset on the primary key of a WITHOUT ROWID table; null: small, copied in one transaction.
/// </param>
internal sealed record CopiedTable(string Name, (string Column, NpgsqlDbType Type)[] Columns, string? Key = null);

/// <summary>
/// Every table <c>migrate --to postgresql</c> copies. A SQLite table missing from this list stops the copy with its
/// name (a new schema step must say how its table moves), so nothing is left behind silently.
/// </summary>
internal static class SqliteToPostgresTables
{
    private const NpgsqlDbType Int = NpgsqlDbType.Bigint;
    private const NpgsqlDbType Real = NpgsqlDbType.Double;
    private const NpgsqlDbType Text = NpgsqlDbType.Text;
    private const NpgsqlDbType Blob = NpgsqlDbType.Bytea;

    public static readonly CopiedTable[] All =
    [
        new("runs", [("id", Int), ("name", Text), ("project", Text), ("created_at", Int), ("first_ts", Int), ("last_ts", Int),
            ("last_received_at", Int), ("event_count", Int)], "rowid"),
        new("metric_names", [("id", Int), ("name", Text)]),
        new("run_purges", [("run_id", Int), ("name", Text), ("marked_at", Int)]),
        new("points", [("run_id", Int), ("metric_id", Int), ("ts", Int), ("value", Real), ("model_name", Text), ("metadata", Text)], "rowid"),
        new("nonfinite_points", [("run_id", Int), ("metric_id", Int), ("ts", Int), ("value", Text), ("model_name", Text), ("metadata", Text)], "rowid"),
        new("run_metrics", [("run_id", Int), ("metric_id", Int), ("count", Int), ("sum", Real), ("min", Real), ("max", Real),
            ("last_value", Real), ("last_ts", Int), ("model_points", Int)]),
        new("run_metric_keys", [("run_id", Int), ("metric_id", Int), ("key", Text), ("numeric", Int), ("other", Int)]),
        new("event_ids", [("run_id", Int), ("event_id", Text)], "run_id,event_id"),
        new("logs", [("id", Int), ("run_id", Int), ("ts", Int), ("level", Text), ("message", Text), ("data", Text)], "rowid"),
        new("alerts", [("id", Int), ("rule", Text), ("run", Text), ("severity", Text), ("state", Text), ("message", Text),
            ("value", Real), ("threshold", Real), ("started_at", Int), ("resolved_at", Int), ("updated_at", Int), ("metadata", Text),
            // suppressed (a held-back fire, boolean in PostgreSQL) is not copied: after a move a silenced alert's fire is not re-sent.
            ("last_held_at", Int), ("acknowledged_at", Int), ("acknowledged_by", Text), ("ack_comment", Text)], "rowid"),
        new("silences", [("id", Int), ("rule", Text), ("run", Text), ("labels", Text), ("starts_at", Int), ("ends_at", Int),
            ("reason", Text), ("created_by", Text), ("created_at", Int)]),
        new("alert_settings", [("id", Int), ("document", Text), ("updated_at", Int)]),
        new("api_keys", [("id", Int), ("name", Text), ("role", Text), ("kind", Text), ("hash", Blob), ("prefix", Text),
            ("created_at", Int), ("revoked_at", Int)]),
        new("webhook_status", [("url", Text), ("succeeded", Int), ("at", Int), ("last_failure", Text), ("last_failure_at", Int),
            ("delivered", Int), ("failed", Int)]),
        new("sessions", [("id", Text), ("key_id", Text), ("ticket", Blob), ("expires_at", Int), ("created_at", Int)]),
        new("prices", [("model_key", Text), ("model", Text), ("valid_from", Text), ("input_per_million", Real), ("output_per_million", Real),
            ("cached_input_per_million", Real), ("currency", Text)]),
        new("run_goals", [("run_id", Int), ("target", Int), ("target_kind", Text), ("deadline", Int), ("accept_score", Text),
            ("accept_min", Real), ("budget", Real), ("updated_at", Int)]),
        new("score_thresholds", [("score", Text), ("min", Real)]),
        new("notification_groups", [("group_key", Text), ("first_at", Int), ("last_sent_at", Int), ("dirty", Int), ("alerts", Text)]),
        // Summary rollups (step 14): copied as they are (labels as the writer read them, sketches in the same format).
        new("prediction_rollups", [("run_id", Int), ("width", Int), ("bucket", Int), ("label", Text), ("count", Int), ("sum", Real),
            ("very_low", Int), ("low", Int), ("medium", Int), ("high", Int), ("very_high", Int), ("below", Int), ("first_ts", Int), ("last_ts", Int)]),
        new("prediction_time_rollups", [("run_id", Int), ("width", Int), ("bucket", Int), ("count", Int), ("sum", Real), ("slow", Int),
            ("errors", Int), ("sketch", Blob)]),
        new("pipeline_rollups", [("run_id", Int), ("width", Int), ("bucket", Int), ("pipeline", Text), ("time_count", Int), ("time_sum", Real),
            ("time_min", Real), ("time_max", Real), ("success_count", Int), ("success_sum", Real)]),
    ];

    /// <summary>Tables the schema itself fills (step 10's starter prices): not "data" for the empty-target check, and
    /// replaced by the SQLite store's rows when copied (they are small, copied in one transaction).</summary>
    public static readonly IReadOnlySet<string> Seeded = new HashSet<string>(StringComparer.Ordinal) { "prices" };

    /// <summary>SQLite's rollup tables (schema steps 12 and 13): derived from the points, so not copied but rebuilt from
    /// the copied points at the end (PostgresRollupBackfill.Rebuild).</summary>
    public static readonly IReadOnlySet<string> Derived = new HashSet<string>(StringComparer.Ordinal) { "point_rollups", "run_event_seconds", "token_rollups" };

    /// <summary>Identity columns whose sequences must continue after the copied ids (runs also after purged ids).</summary>
    public static readonly (string Table, string MaxSql)[] Sequences =
    [
        ("runs", "SELECT GREATEST((SELECT MAX(id) FROM runs), (SELECT MAX(run_id) FROM run_purges))"),
        ("metric_names", "SELECT MAX(id) FROM metric_names"),
        ("logs", "SELECT MAX(id) FROM logs"),
        ("alerts", "SELECT MAX(id) FROM alerts"),
        ("silences", "SELECT MAX(id) FROM silences"),
        ("api_keys", "SELECT MAX(id) FROM api_keys"),
    ];
}
