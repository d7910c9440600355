namespace Dashboard.Storage.Sqlite;

/// <summary>Per-pipeline sums of pipeline_execution_time and pipeline_success points, across runs or within one.</summary>
public sealed class SqlitePipelineReader(SqliteConnectionFactory connections) : IPipelineReader
{
    /// <summary>
    /// The query walks runs and reaches points through the (run_id, metric_id, ts) index, one probe per run.
    /// </summary>
    public IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, """
            SELECT pipeline,
                   SUM(CASE WHEN metric = $time THEN n ELSE 0 END),
                   SUM(CASE WHEN metric = $time THEN s ELSE 0 END),
                   MIN(CASE WHEN metric = $time THEN lo END),
                   MAX(CASE WHEN metric = $time THEN hi END),
                   SUM(CASE WHEN metric = $success THEN n ELSE 0 END),
                   SUM(CASE WHEN metric = $success THEN s ELSE 0 END)
            FROM (
                SELECT CAST(json_extract(p.metadata, '$.pipeline') AS TEXT) AS pipeline, m.name AS metric,
                       COUNT(*) AS n, SUM(p.value) AS s, MIN(p.value) AS lo, MAX(p.value) AS hi
                FROM runs r
                JOIN metric_names m ON m.name IN ($time, $success)
                JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $from
                WHERE ($run IS NULL OR r.id = $run) AND ($project IS NULL OR r.project = $project)
                GROUP BY pipeline, m.name
            )
            WHERE pipeline IS NOT NULL
            GROUP BY pipeline
            """, ("$time", MetricNames.PipelineExecutionTime), ("$success", MetricNames.PipelineSuccess), ("$from", from), ("$run", runId), ("$project", project));
        using var r = cmd.ExecuteReader();
        var list = new List<PipelineAggregate>();
        while (r.Read())
        {
            list.Add(new PipelineAggregate(r.GetString(0), r.GetInt64(1), r.GetDouble(2),
                r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4), r.GetInt64(5), r.GetDouble(6)));
        }
        return list;
    }

    public IReadOnlyList<(string Run, string Project)> GetRuns(CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, """
            SELECT name, project FROM (
                SELECT DISTINCT r.name, r.project, r.last_received_at FROM runs r
                JOIN run_metrics rm ON rm.run_id = r.id
                JOIN metric_names m ON m.id = rm.metric_id AND m.name IN ($time, $success)
                ORDER BY r.last_received_at DESC LIMIT $limit)
            ORDER BY name
            """, ("$time", MetricNames.PipelineExecutionTime), ("$success", MetricNames.PipelineSuccess), ("$limit", IPipelineReader.MaxPickerRuns));
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetString(1)));
        }
        return list;
    }
}
