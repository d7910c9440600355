using System.Text.Json;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dashboard.Ingest;

/// <summary>The kinds of client-chosen names a run holds, each under its own Ingest:* quota.</summary>
internal enum NameKind
{
    Metric,
    Model,
    Label,
    Pipeline,
    EvaluatorType,
    MetadataKey,
}

/// <summary>
/// One run's distinct names of every <see cref="NameKind"/>, loaded from the file the first time the run is seen by this
/// process (one indexed read per kind) and then kept up to date by <see cref="IngestQuota"/>.
/// </summary>
internal sealed class RunNameSets
{
    private readonly HashSet<string>[] _sets = [.. Enumerable.Range(0, Enum.GetValues<NameKind>().Length).Select(_ => new HashSet<string>(StringComparer.Ordinal))];

    public HashSet<string> this[NameKind kind] => _sets[(int)kind];

    /// <summary>
    /// The names a point brings, read from the point as stored: the pages read a pipeline, a label or an evaluator type
    /// from the metadata of any point with these metric names, whatever event type sent it, so the quota reads the same.
    /// </summary>
    public static IEnumerable<(NameKind Kind, string Name)> Of(MetricPoint p)
    {
        yield return (NameKind.Metric, p.Name);
        if (p.ModelName is not null)
        {
            yield return (NameKind.Model, p.ModelName);
        }
        var tag = TagOf(p.Name);
        if (tag is not null && TopLevelString(p.MetadataJson, tag.Value.Key) is { } value)
        {
            yield return (tag.Value.Kind, value);
        }
        foreach (var key in p.Keys ?? MetadataKey.Parse(p.MetadataJson) ?? [])
        {
            yield return (NameKind.MetadataKey, key.Key);
        }
    }

    public static RunNameSets Load(SqliteConnectionFactory connections, string run)
    {
        var sets = new RunNameSets();
        using var c = connections.Open();
        Read(c, sets[NameKind.Metric], """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id WHERE m.run_id = (SELECT id FROM runs WHERE name = $r)
            """, run);
        Read(c, sets[NameKind.MetadataKey], "SELECT DISTINCT key FROM run_metric_keys WHERE run_id = (SELECT id FROM runs WHERE name = $r)", run);
        Read(c, sets[NameKind.Model], """
            SELECT DISTINCT p.model_name FROM points p WHERE p.run_id = (SELECT id FROM runs WHERE name = $r) AND p.model_name IS NOT NULL
            """, run);
        foreach (var (kind, key, metrics) in new[]
        {
            (NameKind.Label, "label", "n.name = 'prediction_confidence'"),
            (NameKind.Pipeline, "pipeline", "n.name IN ('pipeline_execution_time', 'pipeline_success')"),
            (NameKind.EvaluatorType, "evaluator_type", "n.name = 'evaluation_time' OR n.name = 'evaluation_error_rate' OR n.name LIKE 'evaluation\\_score\\_%' ESCAPE '\\'"),
        })
        {
            Read(c, sets[kind], $"""
                SELECT DISTINCT CAST(json_extract(p.metadata, '$.{key}') AS TEXT)
                FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
                JOIN points p ON p.run_id = m.run_id AND p.metric_id = m.metric_id
                WHERE m.run_id = (SELECT id FROM runs WHERE name = $r) AND ({metrics}) AND json_valid(p.metadata)
                """, run);
        }
        return sets;
    }

    private static (NameKind Kind, string Key)? TagOf(string metric) => metric switch
    {
        "prediction_confidence" => (NameKind.Label, "label"),
        "pipeline_execution_time" or "pipeline_success" => (NameKind.Pipeline, "pipeline"),
        "evaluation_time" or "evaluation_error_rate" => (NameKind.EvaluatorType, "evaluator_type"),
        _ when metric.StartsWith("evaluation_score_", StringComparison.Ordinal) => (NameKind.EvaluatorType, "evaluator_type"),
        _ => null,
    };

    private static string? TopLevelString(string? json, string key)
    {
        if (json is null)
        {
            return null;
        }
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(key);
            reader.Read();
            if (match)
            {
                return reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                };
            }
            reader.Skip();
        }
        return null;
    }

    private static void Read(SqliteConnection c, HashSet<string> into, string sql, string run)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$r", run);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                into.Add(reader.GetString(0));
            }
        }
    }
}
