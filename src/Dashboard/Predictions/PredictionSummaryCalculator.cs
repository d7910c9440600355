using System.Globalization;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;

namespace Dashboard.Predictions;

/// <summary>
/// What calibrax's PredictionMonitor reports for a window, computed from stored points. Pure: the
/// caller passes the window and the time, so tests pin every boundary.
/// </summary>
public static class PredictionSummaryCalculator
{
    public const double LowConfidenceThreshold = PredictionBands.LowConfidenceThreshold;
    public const double SlowProcessingSeconds = PredictionBands.SlowProcessingSeconds;
    public const double DominantLabelShare = 0.9;
    public const double LabelSkewScore = 0.5;

    /// <summary>Most labels a summary lists; <see cref="PredictionSummary.MoreLabels"/> counts the others.</summary>
    public const int MaxLabels = 100;

    public static PredictionSummary Compute(string run, TimeWindow window, PredictionData data) =>
        Compute(run, window, PredictionTotals.FromRaw(data));

    /// <summary>The summary from the window's totals (raw or from rollups: <see cref="IPredictionReader.GetTotals"/>).</summary>
    public static PredictionSummary Compute(string run, TimeWindow window, PredictionTotals totals)
    {
        var confidence = totals.Confidence;
        var count = confidence.Count;
        var buckets = confidence.Bands;
        var low = confidence.Low;
        var labels = totals.Labels;

        // Only the top labels by volume are listed (the rest counted), so a summary stays bounded whatever the labels.
        var labelCounts = labels
            .OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal)
            .Take(MaxLabels)
            .Select(l => new LabelCount(l.Key, l.Value, (double)l.Value / count))
            .ToList();
        var times = totals.ProcessingTime;
        var slow = totals.Slow;

        var lowShare = count == 0 ? 0 : (double)low / count;
        var slowShare = times.Count == 0 ? 0 : (double)slow / times.Count;
        var dominant = labelCounts.FirstOrDefault(l => l.Share > DominantLabelShare);
        var skew = dominant is null ? 0 : LabelSkewScore;
        var indicators = new List<string>();
        if (low > 0)
        {
            indicators.Add($"{Percent(lowShare)} of predictions below {LowConfidenceThreshold.ToString(CultureInfo.InvariantCulture)} confidence");
        }
        if (slow > 0)
        {
            indicators.Add($"{Percent(slowShare)} of predictions took longer than {SlowProcessingSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        if (dominant is not null)
        {
            indicators.Add($"label \"{dominant.Label}\" is {Percent(dominant.Share)} of predictions (over {Percent(DominantLabelShare)})");
        }

        var total = count + totals.Errors;
        return new PredictionSummary(
            run, window.Text, count, totals.Errors,
            PerMinute(window, confidence),
            count == 0 ? null : confidence.Sum / count,
            new ConfidenceBuckets(buckets[0], buckets[1], buckets[2], buckets[3], buckets[4]),
            labelCounts,
            new ProcessingTimeStats(times.Count, times.Mean, times.P50, times.P90, times.P95, times.P99),
            total == 0 ? null : (double)totals.Errors / total,
            new AnomalyReport((lowShare + slowShare + skew) / 3, lowShare, slowShare, skew, indicators),
            totals.ByHour,
            labels.Count - labelCounts.Count);
    }

    /// <summary>very_low &lt; 0.5, low &lt; 0.7, medium &lt; 0.8, high &lt; 0.9, very_high otherwise.</summary>
    public static int BucketOf(double confidence) => PredictionBands.BandOf(confidence);

    /// <summary>
    /// Predictions over the window's minutes; for "all", over the minutes between the first and last
    /// prediction, at least one, so a single burst does not read as thousands a minute.
    /// </summary>
    private static double PerMinute(TimeWindow window, ConfidenceCell confidence)
    {
        if (confidence.Count == 0)
        {
            return 0;
        }
        double minutes;
        if (window.Span is { } span)
        {
            minutes = span.TotalMinutes;
        }
        else
        {
            minutes = Math.Max(1, (confidence.LastTs - confidence.FirstTs) / 60_000_000d);
        }
        return confidence.Count / minutes;
    }

    private static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);
}

public sealed record PredictionSummary(
    string Run, string Window, long Predictions, long Errors, double PredictionsPerMinute, double? AverageConfidence,
    ConfidenceBuckets ConfidenceBuckets, IReadOnlyList<LabelCount> Labels, ProcessingTimeStats ProcessingTime,
    double? ErrorRate, AnomalyReport Anomaly, IReadOnlyList<long> ByHour, int MoreLabels = 0);

public sealed record ConfidenceBuckets(long VeryLow, long Low, long Medium, long High, long VeryHigh);

public sealed record LabelCount(string Label, long Count, double Share);

/// <summary>Processing time in seconds.</summary>
public sealed record ProcessingTimeStats(long Count, double? Mean, double? P50, double? P90, double? P95, double? P99);

public sealed record AnomalyReport(double Score, double LowConfidenceShare, double SlowShare, double LabelSkew, IReadOnlyList<string> Indicators);
