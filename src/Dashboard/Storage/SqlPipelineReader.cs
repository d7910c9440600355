using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// Per-pipeline sums of pipeline_execution_time and pipeline_success points, across runs or within one, written once
/// for both providers (the pipeline of a point is read from its metadata in C#, by <see cref="SummaryReading"/>).
/// </summary>
public abstract class SqlPipelineReader(SqlConnections db, int exactLimit) : IPipelineReader
{
    public IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new SqlSummarySource(db);
        return SummaryReading.GetPipelines(source, from, runId, project, exactLimit);
    }

    public IReadOnlyList<PipelineAggregate> GetRawAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new SqlSummarySource(db);
        return SummaryReading.GetRawPipelines(source, from, runId, project);
    }

    public IReadOnlyList<(string Run, string Project)> GetRuns(CancellationToken ct = default)
    {
        using var c = db.Open();
        using var cmd = db.Command(c, $"""
            SELECT name, project FROM (
                SELECT DISTINCT r.name, r.project, r.last_received_at FROM runs r
                JOIN run_metrics rm ON rm.run_id = r.id
                JOIN metric_names m ON m.id = rm.metric_id AND m.name IN ($1, $2)
                ORDER BY r.last_received_at DESC LIMIT $3) recent
            ORDER BY name{db.Dialect.ByteOrder}
            """, MetricNames.PipelineExecutionTime, MetricNames.PipelineSuccess, IPipelineReader.MaxPickerRuns);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetString(1)));
        }
        return list;
    }
}
