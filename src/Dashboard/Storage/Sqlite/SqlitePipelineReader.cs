using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary>Per-pipeline sums of pipeline_execution_time and pipeline_success points, across runs or within one.</summary>
public sealed class SqlitePipelineReader(SqliteConnectionFactory connections, int exactLimit = SummaryReading.ExactLimit) : IPipelineReader
{
    public IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new SqliteSummarySource(connections);
        return SummaryReading.GetPipelines(source, from, runId, project, exactLimit);
    }

    public IReadOnlyList<PipelineAggregate> GetRawAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new SqliteSummarySource(connections);
        return SummaryReading.GetRawPipelines(source, from, runId, project);
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
