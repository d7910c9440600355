using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of the SQLite run name reader: one indexed read per kind of name.</summary>
public sealed class PostgresRunNameReader(NpgsqlDataSource data) : IRunNameReader
{
    public IReadOnlyList<string> GetRunNames(CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        return [.. Read(c, new HashSet<string>(StringComparer.Ordinal), "SELECT name FROM runs", null)];
    }

    public StoredRunNames GetNames(string run, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        var metrics = Read(c, new HashSet<string>(StringComparer.Ordinal), """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id WHERE m.run_id = (SELECT id FROM runs WHERE name = $1)
            """, run);
        var keys = Read(c, new HashSet<string>(StringComparer.Ordinal),
            "SELECT DISTINCT key FROM run_metric_keys WHERE run_id = (SELECT id FROM runs WHERE name = $1)", run);
        var models = Read(c, new HashSet<string>(StringComparer.Ordinal), """
            SELECT DISTINCT p.model_name FROM run_metrics m JOIN points p ON p.run_id = m.run_id AND p.metric_id = m.metric_id
            WHERE m.run_id = (SELECT id FROM runs WHERE name = $1) AND p.model_name IS NOT NULL
            """, run);
        var labels = Tagged(c, run, "label", $"n.name = '{MetricNames.PredictionConfidence}'");
        var pipelines = Tagged(c, run, "pipeline", $"n.name IN ('{MetricNames.PipelineExecutionTime}', '{MetricNames.PipelineSuccess}')");
        var evaluators = Tagged(c, run, "evaluator_type",
            $"n.name = '{MetricNames.EvaluationTime}' OR n.name = '{MetricNames.EvaluationErrorRate}' OR n.name LIKE 'evaluation\\_score\\_%' ESCAPE '\\'");
        return new StoredRunNames(metrics, keys, models, labels, pipelines, evaluators);
    }

    // Metadata is stored as the JSON text the writer serialized, so the jsonb cast cannot fail; the LIKE skips the
    // parse for points that do not mention the key.
    private static HashSet<string> Tagged(NpgsqlConnection c, string run, string key, string metrics) =>
        Read(c, new HashSet<string>(StringComparer.Ordinal), $"""
            SELECT DISTINCT p.metadata::jsonb ->> '{key}'
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            JOIN points p ON p.run_id = m.run_id AND p.metric_id = m.metric_id
            WHERE m.run_id = (SELECT id FROM runs WHERE name = $1) AND ({metrics}) AND p.metadata LIKE '%"{key}"%'
            """, run);

    private static HashSet<string> Read(NpgsqlConnection c, HashSet<string> into, string sql, string? run)
    {
        using var command = run is null ? PostgresCommands.Command(c, sql) : PostgresCommands.Command(c, sql, run);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                into.Add(reader.GetString(0));
            }
        }
        return into;
    }
}
