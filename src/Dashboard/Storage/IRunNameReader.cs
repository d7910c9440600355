namespace Dashboard.Storage;

/// <summary>The client-chosen names already stored, read once per process for the ingest quotas (Ingest:Max*).</summary>
public interface IRunNameReader
{
    /// <summary>Every run's name.</summary>
    IReadOnlyList<string> GetRunNames(CancellationToken ct = default);

    /// <summary>
    /// One run's distinct names: metric names, metadata keys, model names, and the label, pipeline and evaluator_type
    /// metadata values of the points whose metric gives them meaning (prediction_confidence; pipeline_*;
    /// evaluation_time, evaluation_error_rate and evaluation_score_*). Empty sets for an unknown run.
    /// </summary>
    StoredRunNames GetNames(string run, CancellationToken ct = default);
}

public sealed record StoredRunNames(
    IReadOnlyCollection<string> Metrics, IReadOnlyCollection<string> MetadataKeys, IReadOnlyCollection<string> Models,
    IReadOnlyCollection<string> Labels, IReadOnlyCollection<string> Pipelines, IReadOnlyCollection<string> EvaluatorTypes);
