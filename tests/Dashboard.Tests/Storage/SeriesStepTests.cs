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

    [Theory]
    [InlineData(1_795_000_001_300_007L, 1_795_000_601_000_000L, null)]
    [InlineData(1_795_000_001_300_007L, 1_795_000_601_000_000L, 1_000_000L)]
    [InlineData(1_795_000_001_300_007L, 1_795_000_601_000_000L, 7_000_000L)]
    [InlineData(-5_300_007L, 3_600_000_000L, null)]
    [InlineData(0L, 999_999_999L, 1_000_000L)]
    [InlineData(1L, 1_000_000_000L, 1_000_000L)]
    public void ChooseAligned_AnyRange_StartOnAMultipleAtMostOneStepBeforeFirstWithinCap(long first, long to, long? requested)
    {
        var (start, step) = SeriesStep.ChooseAligned(first, to, requested);

        Dashboard.Storage.Rollups.RollupLevels.BucketOf(start, step).Should().Be(start, "the grid starts on a multiple of the step");
        start.Should().BeLessThanOrEqualTo(first).And.BeGreaterThan(first - step);
        ((to - start) / step + 1).Should().BeLessThanOrEqualTo(IMetricReader.MaxBuckets);
        step.Should().BeGreaterThanOrEqualTo(SeriesStep.Choose(first, to, requested));
    }

    [Fact]
    public void ChooseAligned_EarlierStartWouldMakeBucket1001_StepWidened()
    {
        // [1, 10^9] at 1 s is 1,000 buckets from the first point; from 0 (the aligned start) it would be 1,001.
        var (start, step) = SeriesStep.ChooseAligned(1, 1_000_000_000, 1_000_000);

        step.Should().BeGreaterThan(1_000_000);
        start.Should().Be(0);
    }
}
