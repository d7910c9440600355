using Dashboard.Predictions;

namespace Dashboard.Tests.Predictions;

public sealed class PredictionTimelineTests
{
    private const long Minute = 60_000_000;

    [Fact]
    public void LoadThenFold_CountsLandInTheirBuckets()
    {
        var t = new PredictionTimeline(0, 10 * Minute, Minute, sliding: false);
        t.Load([(0, 4, 0.5), (3 * Minute, 2, 1.0)], [(3 * Minute, 1)]);

        t.Fold(3 * Minute + 5, 2, 1.0, 1);

        t.TotalPredictions.Should().Be(8);
        t.TotalErrors.Should().Be(2);
        var confidence = t.ConfidenceChart().Series[0].Points;
        confidence[0].Y.Should().Be(0.5);
        confidence[3].Y.Should().Be(0.75);
        confidence[1].Y.Should().BeNull("no predictions in that minute: a gap, not a zero");
        var rate = t.RateChart();
        rate.Series[2].Points[3].Y.Should().BeApproximately(2 / 6d, 1e-12);
        rate.Time!.Value.FromMs.Should().Be(0);
    }

    [Fact]
    public void Fold_PastTheEndOfASlidingRange_SlidesForward()
    {
        var t = new PredictionTimeline(0, 4 * Minute, Minute, sliding: true);
        t.Load([(0, 1, 1.0)], []);

        t.Fold(6 * Minute, 3, 1.5, 0);

        t.FromMicros.Should().BeGreaterThan(0);
        t.TotalPredictions.Should().Be(3, "the first minute slid out of the range");
        t.ToMicros.Should().BeGreaterThan(6 * Minute);
    }
}
