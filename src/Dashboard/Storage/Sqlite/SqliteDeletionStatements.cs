namespace Dashboard.Storage.Sqlite;

/// <summary>The purge's batched deletes (<see cref="SqliteRunDeletionStore.Purge"/>): parameters $a (the run's id) and $n (rows).</summary>
internal static class SqliteDeletionStatements
{
    /// <summary>Everything a deleted run left behind, table by table.</summary>
    public static readonly string[] Purge =
    [
        "DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM nonfinite_points WHERE rowid IN (SELECT rowid FROM nonfinite_points WHERE run_id = $a LIMIT $n)",
        "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE run_id = $a LIMIT $n)",
        // event_ids is WITHOUT ROWID: a key range from the run's first id (an IN list of (run_id, event_id) pairs was
        // searched by run_id alone, so every chunk rescanned the run's remaining ids). Fewer than $n left: all of them.
        """
        DELETE FROM event_ids WHERE run_id = $a AND event_id <= COALESCE(
            (SELECT event_id FROM event_ids WHERE run_id = $a ORDER BY event_id LIMIT 1 OFFSET $n - 1),
            (SELECT MAX(event_id) FROM event_ids WHERE run_id = $a))
        """,
        """
        DELETE FROM point_rollups WHERE (run_id, metric_id, width, bucket, model) IN
            (SELECT run_id, metric_id, width, bucket, model FROM point_rollups WHERE run_id = $a LIMIT $n)
        """,
        "DELETE FROM run_event_seconds WHERE (run_id, second) IN (SELECT run_id, second FROM run_event_seconds WHERE run_id = $a LIMIT $n)",
        """
        DELETE FROM token_rollups WHERE (run_id, width, bucket, model, judge) IN
            (SELECT run_id, width, bucket, model, judge FROM token_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM prediction_rollups WHERE (run_id, width, bucket, label) IN
            (SELECT run_id, width, bucket, label FROM prediction_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM prediction_time_rollups WHERE (run_id, width, bucket) IN
            (SELECT run_id, width, bucket FROM prediction_time_rollups WHERE run_id = $a LIMIT $n)
        """,
        """
        DELETE FROM pipeline_rollups WHERE (run_id, width, bucket, pipeline) IN
            (SELECT run_id, width, bucket, pipeline FROM pipeline_rollups WHERE run_id = $a LIMIT $n)
        """,
    ];
}
