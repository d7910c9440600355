namespace Dashboard.Storage;

/// <summary>One prediction_confidence point: when, how confident, and the label it carried.</summary>
public readonly record struct ConfidencePoint(long Timestamp, double Confidence, string? Label);

/// <summary>The points of one run in one window, as <see cref="IPredictionReader"/> reads them.</summary>
public sealed record PredictionData(
    IReadOnlyList<ConfidencePoint> Confidences, IReadOnlyList<double> ProcessingTimes, long Errors);

/// <summary>A run with predictions: how many, how many errors, and its last event.</summary>
public sealed record PredictionRun(string Run, string Project, long Predictions, long Errors, DateTimeOffset LastEvent);

/// <summary>Where a prediction counts: its confidence band, low confidence, slow processing (the summary's thresholds).</summary>
public static class PredictionBands
{
    public const double LowConfidenceThreshold = 0.6;
    public const double SlowProcessingSeconds = 5.0;

    /// <summary>very_low &lt; 0.5, low &lt; 0.7, medium &lt; 0.8, high &lt; 0.9, very_high otherwise.</summary>
    public static int BandOf(double confidence) => confidence switch
    {
        < 0.5 => 0,
        < 0.7 => 1,
        < 0.8 => 2,
        < 0.9 => 3,
        _ => 4,
    };
}
