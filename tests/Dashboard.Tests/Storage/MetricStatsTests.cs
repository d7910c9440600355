using Dashboard.Storage;

namespace Dashboard.Tests.Storage;

public sealed class MetricStatsTests
{
    [Fact]
    public void From_NoValues_CountZeroAndNulls()
    {
        MetricStats.From([]).Should().Be(MetricStats.Empty);
        MetricStats.Empty.Mean.Should().BeNull();
    }

    [Fact]
    public void From_Values_PercentilesInterpolateLikeNumpy()
    {
        var s = MetricStats.From([4, 1, 3, 2, 10]);

        (s.Count, s.Mean, s.Min, s.Max).Should().Be((5L, 4d, 1d, 10d));
        s.P50.Should().Be(3);
        s.P90.Should().BeApproximately(7.6, 1e-12); // numpy.percentile([1,2,3,4,10], 90)
        s.P99.Should().BeApproximately(9.76, 1e-12);
    }

    [Fact]
    public void From_OneValue_EveryPercentileIsIt()
    {
        var s = MetricStats.From([2.5]);

        new[] { s.P50, s.P90, s.P95, s.P99 }.Should().OnlyContain(p => p == 2.5);
    }
}
