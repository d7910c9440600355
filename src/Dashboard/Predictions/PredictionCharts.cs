using Dashboard.Components.Charts;

namespace Dashboard.Predictions;

/// <summary>The predictions page's charts that are not over time: confidence buckets and hour of day.</summary>
public static class PredictionCharts
{
    /// <summary>The five confidence buckets as a histogram with their real edges (0-0.5, 0.5-0.7, ...), counts on an integer axis.</summary>
    public static ChartSpec ConfidenceHistogram(ConfidenceBuckets b)
    {
        (double Lo, double Hi, long Count)[] bins = [(0, 0.5, b.VeryLow), (0.5, 0.7, b.Low), (0.7, 0.8, b.Medium), (0.8, 0.9, b.High), (0.9, 1.0, b.VeryHigh)];
        return new ChartSpec(ChartKind.Histogram, [new ChartSeries("Predictions",
            bins.Select(x => new ChartPoint((x.Lo + x.Hi) / 2, x.Count, x.Lo, x.Hi)).ToList())])
        {
            Axes = [new ChartAxis("Predictions", Units.Count, Min: 0, Integer: true)],
            XUnit = Units.Share,
            Zoomable = false,
        };
    }

    /// <summary>Predictions per hour of day (UTC); the page shows it only when the range covers more than a day.</summary>
    public static ChartSpec HourOfDay(IReadOnlyList<long> byHour) =>
        new(ChartKind.Bar, [new ChartSeries("Predictions", byHour.Select((c, h) => new ChartPoint(h, c)).ToList())])
        {
            Axes = [new ChartAxis("Predictions", Units.Count, Min: 0, Integer: true)],
            XUnit = "h",
            Zoomable = false,
        };
}
