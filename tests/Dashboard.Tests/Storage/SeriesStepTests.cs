using Dashboard.Storage;

namespace Dashboard.Tests.Storage;

public sealed class SeriesStepTests
{
    [Theory]
    [InlineData(0L, 1_000_000L)]
    [InlineData(0L, 3_600_000_000L)]
    [InlineData(0L, 365L * 86_400_000_000L)]
    [InlineData(5L, 5L)]
    public void Choose_AnyRange_AtMostMaxBuckets(long from, long to)
    {
        var step = SeriesStep.Choose(from, to, null);

        ((to - from) / step + 1).Should().BeLessThanOrEqualTo(IMetricReader.MaxBuckets);
    }

    [Fact]
    public void Choose_RequestedStepTooSmall_WidenedToCap()
    {
        var step = SeriesStep.Choose(0, 86_400_000_000, requested: 1_000_000);

        (86_400_000_000 / step).Should().BeLessThanOrEqualTo(IMetricReader.MaxBuckets);
    }

    [Fact]
    public void Choose_RequestedStepWithinCap_Kept()
    {
        SeriesStep.Choose(0, 3_600_000_000, requested: 60_000_000).Should().Be(60_000_000);
    }
}
