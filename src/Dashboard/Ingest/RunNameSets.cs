using System.Text.Json;
using Dashboard.Storage;

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
    /// <remarks>Into a list the caller reuses (cleared first): an iterator per point was 5 % of what ingest allocated.</remarks>
    public static void Collect(MetricPoint p, List<(NameKind Kind, string Name)> names)
    {
        names.Clear();
        names.Add((NameKind.Metric, p.Name));
        if (p.ModelName is not null)
        {
            names.Add((NameKind.Model, p.ModelName));
        }
        var tag = TagOf(p.Name);
        if (tag is not null && TopLevelString(p.MetadataJson, tag.Value.Key) is { } value)
        {
            names.Add((tag.Value.Kind, value));
        }
        if ((p.Keys ?? MetadataKey.Parse(p.MetadataJson)) is { } keys)
        {
            foreach (var key in keys)
            {
                names.Add((NameKind.MetadataKey, key.Key));
            }
        }
    }

    public static RunNameSets Load(IRunNameReader reader, string run)
    {
        var stored = reader.GetNames(run);
        var sets = new RunNameSets();
        sets[NameKind.Metric].UnionWith(stored.Metrics);
        sets[NameKind.MetadataKey].UnionWith(stored.MetadataKeys);
        sets[NameKind.Model].UnionWith(stored.Models);
        sets[NameKind.Label].UnionWith(stored.Labels);
        sets[NameKind.Pipeline].UnionWith(stored.Pipelines);
        sets[NameKind.EvaluatorType].UnionWith(stored.EvaluatorTypes);
        return sets;
    }

    private static (NameKind Kind, string Key)? TagOf(string metric) => metric switch
    {
        MetricNames.PredictionConfidence => (NameKind.Label, "label"),
        MetricNames.PipelineExecutionTime or MetricNames.PipelineSuccess => (NameKind.Pipeline, "pipeline"),
        MetricNames.EvaluationTime or MetricNames.EvaluationErrorRate => (NameKind.EvaluatorType, "evaluator_type"),
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
}
