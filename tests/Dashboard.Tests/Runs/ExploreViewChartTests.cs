using Dashboard.Components.Charts;
using Dashboard.Runs;
using Dashboard.Storage;

namespace Dashboard.Tests.Runs;

public sealed class ExploreViewChartTests
{
    private const long Minute = 60_000_000;

    [Fact]
    public void Chart_GroupWithEmptyBuckets_LineBrokenThereNotDrawnAcross()
    {
        var view = new ExploreView(["r"], ["generation_time"], null, ExplorerAggregation.P95,
            new RunRange(RunRange.Default, long.MinValue, long.MaxValue, null, null));
        var result = new ExplorerResult([new ExplorerSeries(null, 40,
            [new ExplorerBucket(0, 1.5, 10), new ExplorerBucket(Minute, 2, 10), new ExplorerBucket(4 * Minute, 3, 10), new ExplorerBucket(5 * Minute, 4, 10)])], 1);

        var spec = view.Chart("generation_time", result, new Dictionary<long, string>(), new TimeSpanMs(0, 6 * 60_000), Minute);

        spec.Series.Single().Points.Select(p => (p.X, p.Y)).Should().Equal(
            (0d, 1.5), (60_000d, 2), (120_000d, (double?)null), (240_000d, 3), (300_000d, 4));
        spec.Axes.Single().Unit.Should().Be(Units.Seconds);
    }
}
