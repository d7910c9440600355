using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of the SQLite pipeline reader (metadata is text holding JSON: read through jsonb).</summary>
public sealed class PostgresPipelineReader(NpgsqlDataSource data, int exactLimit = SummaryReading.ExactLimit) : IPipelineReader
{
    public IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new PostgresSummarySource(data);
        return SummaryReading.GetPipelines(source, from, runId, project, exactLimit);
    }

    public IReadOnlyList<PipelineAggregate> GetRawAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var source = new PostgresSummarySource(data);
        return SummaryReading.GetRawPipelines(source, from, runId, project);
    }

    public IReadOnlyList<(string Run, string Project)> GetRuns(CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, """
            SELECT name, project FROM (
                SELECT DISTINCT r.name, r.project, r.last_received_at FROM runs r
                JOIN run_metrics rm ON rm.run_id = r.id
                JOIN metric_names m ON m.id = rm.metric_id AND m.name IN ($1, $2)
                ORDER BY r.last_received_at DESC LIMIT $3) recent
            ORDER BY name COLLATE "C"
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
