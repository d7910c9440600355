namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Retention's deletes on SQLite, each confined to one key prefix of an index or primary key (a series, a run, a
/// run and rollup width), so a statement walks only old rows of that prefix: a delete by time alone (no index leads
/// with ts or bucket) re-scanned the table from its start at every chunk, and its last chunk scanned all that stays,
/// holding the writer's connection for tens of milliseconds. Parameters: $a cutoff, $n rows, $r run, $m metric, $w width.
/// </summary>
internal static class SqliteRetentionStatements
{
    /// <summary>What a statement's units are: a run's series (run, metric), or a run.</summary>
    public enum Units { Series, Runs }

    /// <summary>Old points of one series, returning what the per-metric counts lose.</summary>
    public const string Points = """
        DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE run_id = $r AND metric_id = $m AND ts < $a LIMIT $n)
        RETURNING run_id, metric_id, model_name IS NOT NULL
        """;

    /// <summary>The other tables; rollups hold whole buckets, so an hour cutoff removes them whole with their points.</summary>
    public static readonly (string Sql, Units Units, bool Widths)[] Others =
    [
        // By run: a series of only non-finite values has no run_metrics row (those count finite points); such points
        // are rare, so walking a run's non-finite rows is cheap.
        ("DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE run_id = $r AND ts < $a LIMIT $n)",
            Units.Runs, false),
        ("""
        DELETE FROM point_rollups WHERE (run_id, metric_id, width, bucket, model) IN (SELECT run_id, metric_id, width, bucket, model
            FROM point_rollups WHERE run_id = $r AND metric_id = $m AND width = $w AND bucket < $a LIMIT $n)
        """, Units.Series, true),
        ("DELETE FROM run_event_seconds WHERE (run_id, second) IN (SELECT run_id, second FROM run_event_seconds WHERE run_id = $r AND second < $a LIMIT $n)",
            Units.Runs, false),
        ("""
        DELETE FROM token_rollups WHERE (run_id, width, bucket, model, judge) IN (SELECT run_id, width, bucket, model, judge
            FROM token_rollups WHERE run_id = $r AND width = $w AND bucket < $a LIMIT $n)
        """, Units.Runs, true),
        ("""
        DELETE FROM prediction_rollups WHERE (run_id, width, bucket, label) IN (SELECT run_id, width, bucket, label
            FROM prediction_rollups WHERE run_id = $r AND width = $w AND bucket < $a LIMIT $n)
        """, Units.Runs, true),
        ("""
        DELETE FROM prediction_time_rollups WHERE (run_id, width, bucket) IN (SELECT run_id, width, bucket
            FROM prediction_time_rollups WHERE run_id = $r AND width = $w AND bucket < $a LIMIT $n)
        """, Units.Runs, true),
        ("""
        DELETE FROM pipeline_rollups WHERE (run_id, width, bucket, pipeline) IN (SELECT run_id, width, bucket, pipeline
            FROM pipeline_rollups WHERE run_id = $r AND width = $w AND bucket < $a LIMIT $n)
        """, Units.Runs, true),
    ];

    /// <summary>Old logs of one run (at the exact cutoff, not the hour's start).</summary>
    public const string Logs = "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE run_id = $r AND ts < $a LIMIT $n)";

    /// <summary>Every rollup width any table uses (points: 1 s, 1 min, 1 h; summaries: 1 min, 1 h).</summary>
    public static readonly long[] Widths = Rollups.RollupLevels.Widths;
}
