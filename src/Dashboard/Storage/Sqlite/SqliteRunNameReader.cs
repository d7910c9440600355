using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>One indexed read per kind of name.</summary>
public sealed class SqliteRunNameReader(SqliteConnectionFactory connections) : IRunNameReader
{
    public IReadOnlyList<string> GetRunNames(CancellationToken ct = default)
    {
        using var c = connections.Open();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Read(c, names, "SELECT name FROM runs", null);
        return [.. names];
    }

    public StoredRunNames GetNames(string run, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var metrics = Read(c, new HashSet<string>(StringComparer.Ordinal), """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id WHERE m.run_id = (SELECT id FROM runs WHERE name = $r)
            """, run);
        var keys = Read(c, new HashSet<string>(StringComparer.Ordinal),
            "SELECT DISTINCT key FROM run_metric_keys WHERE run_id = (SELECT id FROM runs WHERE name = $r)", run);
        var models = Read(c, new HashSet<string>(StringComparer.Ordinal), """
            SELECT DISTINCT p.model_name FROM points p WHERE p.run_id = (SELECT id FROM runs WHERE name = $r) AND p.model_name IS NOT NULL
            """, run);
        var labels = Tagged(c, run, "label", $"n.name = '{MetricNames.PredictionConfidence}'");
        var pipelines = Tagged(c, run, "pipeline", $"n.name IN ('{MetricNames.PipelineExecutionTime}', '{MetricNames.PipelineSuccess}')");
        var evaluators = Tagged(c, run, "evaluator_type",
            $"n.name = '{MetricNames.EvaluationTime}' OR n.name = '{MetricNames.EvaluationErrorRate}' OR n.name LIKE 'evaluation\\_score\\_%' ESCAPE '\\'");
        return new StoredRunNames(metrics, keys, models, labels, pipelines, evaluators);
    }

    private static HashSet<string> Tagged(SqliteConnection c, string run, string key, string metrics) =>
        Read(c, new HashSet<string>(StringComparer.Ordinal), $"""
            SELECT DISTINCT CAST(json_extract(p.metadata, '$.{key}') AS TEXT)
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            JOIN points p ON p.run_id = m.run_id AND p.metric_id = m.metric_id
            WHERE m.run_id = (SELECT id FROM runs WHERE name = $r) AND ({metrics}) AND json_valid(p.metadata)
            """, run);

    private static HashSet<string> Read(SqliteConnection c, HashSet<string> into, string sql, string? run)
    {
        using var command = SqliteCommands.Command(c, sql, ("$r", run));
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
