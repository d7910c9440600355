using Dashboard.Storage.Rollups;

namespace Dashboard.Storage;

/// <summary>
/// Everything the prediction summary is computed from, for one run and window: counted point by point from raw
/// points (<see cref="FromRaw"/>) or merged from rollup rows (<see cref="AddConfidences"/>), so both paths feed the
/// calculator the same figures. Confidence counts, bands, labels and hours are exact either way.
/// </summary>
public sealed class PredictionTotals
{
    public ConfidenceCell Confidence { get; } = new();
    public long[] ByHour { get; } = new long[24];
    public Dictionary<string, long> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>prediction_processing_time over the window (exact up to the reader's exact limit, else sketched).</summary>
    public MetricStats ProcessingTime { get; set; } = MetricStats.Empty;

    /// <summary>Processing times above <see cref="PredictionBands.SlowProcessingSeconds"/>.</summary>
    public long Slow { get; set; }

    public long Errors { get; set; }

    /// <summary>
    /// The run's stored event count in the snapshot these totals were read from: commits with a higher
    /// <see cref="CommittedRun.RunEvents"/> are not in them, the others are (0 when not read from storage).
    /// </summary>
    public long RunEvents { get; set; }

    /// <summary>The raw points' tally, in the order given (sums in arrival order, as the summary always summed them).</summary>
    public static PredictionTotals FromRaw(PredictionData data)
    {
        var totals = new PredictionTotals();
        foreach (var p in data.Confidences)
        {
            totals.AddConfidence(p.Timestamp, p.Confidence, p.Label);
        }
        totals.ProcessingTime = MetricStats.From([.. data.ProcessingTimes]);
        totals.Slow = data.ProcessingTimes.Count(t => t > PredictionBands.SlowProcessingSeconds);
        totals.Errors = data.Errors;
        return totals;
    }

    public void AddConfidence(long ts, double confidence, string? label)
    {
        Confidence.Add(ts, confidence);
        ByHour[HourOf(ts)]++;
        label ??= SummaryRollupAccumulator.NoLabel;
        Labels[label] = Labels.GetValueOrDefault(label) + 1;
    }

    /// <summary>One rollup row: its bucket (a minute or an hour) lies within one hour of the day.</summary>
    public void AddConfidences(long bucket, string label, ConfidenceCell cell)
    {
        Confidence.Merge(cell);
        ByHour[HourOf(bucket)] += cell.Count;
        Labels[label] = Labels.GetValueOrDefault(label) + cell.Count;
    }

    private static int HourOf(long ts) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ts / 1000, -62_135_596_800_000, 253_402_300_799_999)).Hour;
}
