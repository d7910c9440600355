namespace Dashboard.Client;

/// <summary>A classifier prediction, as the PredictionMonitor records it: prediction_confidence and prediction_processing_time tagged with the label.</summary>
public sealed record PredictionEvent : DashboardEvent
{
    /// <summary>The predicted label.</summary>
    public required string Prediction { get; init; }

    /// <summary>Confidence between 0 and 1.</summary>
    public required double Confidence { get; init; }

    /// <summary>Seconds the prediction took.</summary>
    public double? ProcessingTime { get; init; }

    /// <summary>The serving model's version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The input text: the server keeps only its hash, length and word count.</summary>
    public string? Text { get; init; }

    /// <summary>Length of the input when <see cref="Text"/> is not sent.</summary>
    public int? TextLength { get; init; }

    /// <summary>Words in the input when <see cref="Text"/> is not sent.</summary>
    public int? WordCount { get; init; }

    /// <summary>A hash of the input when <see cref="Text"/> is not sent.</summary>
    public string? TextHash { get; init; }

    /// <summary>The calling client.</summary>
    public string? ClientId { get; init; }

    /// <summary>The calling user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The calling session.</summary>
    public string? SessionId { get; init; }
}

/// <summary>A failed prediction: a prediction_error point of 1 tagged with the error.</summary>
public sealed record PredictionErrorEvent : DashboardEvent
{
    /// <summary>The kind of error, e.g. <c>ModelTimeout</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The error's message.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Structured context (a JSON object).</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; init; }
}

/// <summary>One pipeline execution, as calibrax records it: pipeline_execution_time and pipeline_success tagged with the pipeline.</summary>
public sealed record PipelineExecutionEvent : DashboardEvent
{
    /// <summary>The pipeline's name.</summary>
    public required string Pipeline { get; init; }

    /// <summary>Seconds the execution took.</summary>
    public required double ExecutionTime { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Success { get; init; }

    /// <summary>Extra tags stored with both points.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}
