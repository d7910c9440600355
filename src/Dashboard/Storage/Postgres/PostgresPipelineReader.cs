using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of the SQLite pipeline reader (metadata is text holding JSON: read through jsonb).</summary>
public sealed class PostgresPipelineReader(NpgsqlDataSource data) : IPipelineReader
{
    public IReadOnlyList<PipelineAggregate> GetAggregates(long from, long? runId, string? project, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = new NpgsqlCommand("""
            SELECT pipeline,
                   SUM(CASE WHEN metric = $1 THEN n ELSE 0 END)::bigint,
                   SUM(CASE WHEN metric = $1 THEN s ELSE 0 END),
                   MIN(CASE WHEN metric = $1 THEN lo END),
                   MAX(CASE WHEN metric = $1 THEN hi END),
                   SUM(CASE WHEN metric = $2 THEN n ELSE 0 END)::bigint,
                   SUM(CASE WHEN metric = $2 THEN s ELSE 0 END)
            FROM (
                SELECT p.metadata::jsonb ->> 'pipeline' AS pipeline, m.name AS metric,
                       COUNT(*) AS n, SUM(p.value) AS s, MIN(p.value) AS lo, MAX(p.value) AS hi
                FROM runs r
                JOIN metric_names m ON m.name IN ($1, $2)
                JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $3
                WHERE ($4::bigint IS NULL OR r.id = $4) AND ($5::text IS NULL OR r.project = $5)
                GROUP BY 1, m.name
            ) g
            WHERE pipeline IS NOT NULL
            GROUP BY pipeline
            ORDER BY pipeline COLLATE "C"
            """, c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = MetricNames.PipelineExecutionTime });
        cmd.Parameters.Add(new NpgsqlParameter { Value = MetricNames.PipelineSuccess });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(PostgresCommands.NullableLong(runId));
        cmd.Parameters.Add(PostgresCommands.NullableText(project));
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
