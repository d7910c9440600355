using Dashboard.Predictions;
using Dashboard.Storage;

namespace Dashboard.Tests.Predictions;

public sealed class PredictionSummaryCalculatorTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2025-01-01T00:00:00Z").ToUnixTimeMilliseconds() * 1000;

    private static PredictionSummary Compute(IEnumerable<double> confidences, IEnumerable<double>? times = null, long errors = 0,
        IEnumerable<string>? labels = null, string window = "all")
    {
        var c = confidences.ToList();
        var l = labels?.ToList() ?? c.Select((_, i) => "l" + (i % 2)).ToList();
        TimeWindow.TryParse(window, "all", out var w);
        var points = c.Select((v, i) => new ConfidencePoint(T0 + i * 1_000_000L, v, l[i])).ToList();
        return PredictionSummaryCalculator.Compute("r", w, new PredictionData(points, times?.ToList() ?? [], errors));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.4999, 0)]
    [InlineData(0.5, 1)]
    [InlineData(0.6999, 1)]
    [InlineData(0.7, 2)]
    [InlineData(0.7999, 2)]
    [InlineData(0.8, 3)]
    [InlineData(0.8999, 3)]
    [InlineData(0.9, 4)]
    [InlineData(1.0, 4)]
    public void BucketOf_AtBoundaries_LowerBoundBelongsToUpperBucket(double confidence, int bucket) =>
        PredictionSummaryCalculator.BucketOf(confidence).Should().Be(bucket);

    [Fact]
    public void Compute_BoundaryConfidences_CountsEachBucket()
    {
        var s = Compute([0.49, 0.5, 0.69, 0.7, 0.8, 0.9, 0.95]);

        s.ConfidenceBuckets.Should().Be(new ConfidenceBuckets(1, 2, 1, 1, 2));
        s.Predictions.Should().Be(7);
        s.AverageConfidence.Should().BeApproximately((0.49 + 0.5 + 0.69 + 0.7 + 0.8 + 0.9 + 0.95) / 7, 1e-12);
    }

    [Fact]
    public void Compute_ConfidenceExactlyPointSix_IsNotLow()
    {
        var s = Compute([0.6, 0.6, 0.59999, 0.9]);

        s.Anomaly.LowConfidenceShare.Should().Be(0.25);
        s.Anomaly.Indicators.Should().Contain("25% of predictions below 0.6 confidence");
    }

    [Fact]
    public void Compute_ProcessingExactlyFiveSeconds_IsNotSlow()
    {
        var s = Compute([0.9, 0.9, 0.9, 0.9], times: [5.0, 5.0, 5.001, 1.0]);

        s.Anomaly.SlowShare.Should().Be(0.25);
        s.Anomaly.Indicators.Should().Equal("25% of predictions took longer than 5 s");
        s.Anomaly.Score.Should().BeApproximately(0.25 / 3, 1e-12);
    }

    [Fact]
    public void Compute_OneLabelExactlyNinetyPercent_IsNotSkewed()
    {
        var s = Compute(Enumerable.Repeat(0.95, 10), labels: [.. Enumerable.Repeat("a", 9), "b"]);

        s.Anomaly.LabelSkew.Should().Be(0);
        s.Anomaly.Score.Should().Be(0);
        s.Anomaly.Indicators.Should().BeEmpty();
    }

    [Fact]
    public void Compute_OneLabelOverNinetyPercent_AddsHalfToTheMean()
    {
        var s = Compute(Enumerable.Repeat(0.95, 11), labels: [.. Enumerable.Repeat("a", 10), "b"]);

        s.Anomaly.LabelSkew.Should().Be(0.5);
        s.Anomaly.Score.Should().BeApproximately(0.5 / 3, 1e-12);
        s.Anomaly.Indicators.Should().Equal("label \"a\" is 90.9% of predictions (over 90%)");
        s.Labels.Should().Equal(new LabelCount("a", 10, 10 / 11d), new LabelCount("b", 1, 1 / 11d));
    }

    [Fact]
    public void Compute_AllThreeIndicators_ScoreIsTheirMean()
    {
        var s = Compute([0.1, 0.2, 0.3, 0.9], times: [6, 6, 1, 1], labels: ["x", "x", "x", "x"]);

        s.Anomaly.Score.Should().BeApproximately((0.75 + 0.5 + 0.5) / 3, 1e-12);
        s.Anomaly.Indicators.Should().HaveCount(3);
    }

    [Fact]
    public void Compute_ErrorRate_IsErrorsOverPredictionsPlusErrors()
    {
        var s = Compute([0.9, 0.9, 0.9], errors: 1);

        s.Errors.Should().Be(1);
        s.ErrorRate.Should().Be(0.25);
    }

    [Fact]
    public void Compute_Nothing_GivesZerosAndNulls()
    {
        var s = Compute([]);

        s.Predictions.Should().Be(0);
        s.AverageConfidence.Should().BeNull();
        s.ErrorRate.Should().BeNull();
        s.PredictionsPerMinute.Should().Be(0);
        s.ProcessingTime.P50.Should().BeNull();
        s.Anomaly.Score.Should().Be(0);
        s.ByHour.Should().HaveCount(24).And.OnlyContain(c => c == 0);
    }

    [Fact]
    public void Compute_Percentiles_AreNumpyLinear()
    {
        var s = Compute([0.9], times: [1, 2, 3, 4, 5]);

        s.ProcessingTime.Should().Be(new ProcessingTimeStats(5, 3, 3, 4.6, 4.8, 4.96));
    }

    [Fact]
    public void Compute_WindowOfFiveMinutes_DividesByFive()
    {
        var s = Compute([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], window: "5m");

        s.PredictionsPerMinute.Should().Be(2);
        s.Window.Should().Be("5m");
    }

    [Fact]
    public void Compute_AllWindow_DividesBySpanOfAtLeastOneMinute()
    {
        var s = Compute([0.9, 0.9, 0.9]);

        s.PredictionsPerMinute.Should().Be(3);
    }

    [Fact]
    public void Compute_ByHour_UsesUtcHourOfDay()
    {
        var points = new[]
        {
            new ConfidencePoint(T0 + 3_600_000_000L * 13, 0.9, "a"),
            new ConfidencePoint(T0 + 3_600_000_000L * 13 + 1, 0.9, "a"),
            new ConfidencePoint(T0 + 3_600_000_000L * 23, 0.9, "a"),
        };

        var s = PredictionSummaryCalculator.Compute("r", TimeWindow.All, new PredictionData(points, [], 0));

        s.ByHour[13].Should().Be(2);
        s.ByHour[23].Should().Be(1);
        s.ByHour.Sum().Should().Be(3);
    }
}
