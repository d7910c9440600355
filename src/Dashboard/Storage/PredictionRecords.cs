namespace Dashboard.Storage;

/// <summary>One prediction_confidence point: when, how confident, and the label it carried.</summary>
public readonly record struct ConfidencePoint(long Timestamp, double Confidence, string? Label);

/// <summary>The points of one run in one window, as <see cref="IPredictionReader"/> reads them.</summary>
public sealed record PredictionData(
    IReadOnlyList<ConfidencePoint> Confidences, IReadOnlyList<double> ProcessingTimes, long Errors);

/// <summary>A run with predictions: how many, how many errors, and its last event.</summary>
public sealed record PredictionRun(string Run, string Project, long Predictions, long Errors, DateTimeOffset LastEvent);
