using Dashboard.Storage.Rollups;

namespace Dashboard.Tests.Storage;

/// <summary>Series from rollups plus raw slivers against the raw GROUP BY over the same stored points.</summary>
public sealed class RollupSeriesTests : IDisposable
{
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("uniform")]
    [InlineData("mixed-signs")]
    [InlineData("huge-range")]
    [InlineData("constant")]
    [InlineData("pareto")]
    public void GetSeries_AnyRangeAndStep_EqualsRawGroupBy(string data)
    {
        var random = new Random(data.Length);
        _store.Write("r", RollupQueryTests.Points(data, 20_000, random));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var (first, last) = _store.Points.GetExtent(runId, "m")!.Value;
        long[] steps = [1_000_000, 2_000_000, 5_000_000, 60_000_000, 90_000_000, 300_000_000, 3_600_000_000, 7_200_000_000, 1_500_000, 250_000, 7];

        foreach (var (a, b) in RollupQueryTests.Ranges(random, 80))
        {
            // Open ends are the metric's extent, as the series endpoint does.
            var (from, to) = (a == long.MinValue ? first : a, b == long.MaxValue ? last : b);
            if (from > to)
            {
                continue;
            }
            var step = steps[random.Next(steps.Length)];
            if ((to - from) / step > 5_000)
            {
                step = SeriesStepFor(from, to, step);
            }
            var expected = _store.Points.GetSeriesFromPoints(runId, "m", from, to, step);
            var actual = _store.Points.GetSeries(runId, "m", from, to, step);

            actual.Select(x => (x.T, x.Count, x.Min, x.Max)).Should().Equal(expected.Select(x => (x.T, x.Count, x.Min, x.Max)),
                $"range [{from}, {to}] step {step}");
            for (var i = 0; i < expected.Count; i++)
            {
                var scale = Math.Max(Math.Abs(expected[i].Min), Math.Abs(expected[i].Max));
                actual[i].Mean.Should().BeApproximately(expected[i].Mean, 1e-12 * scale + 1e-300, $"bucket {expected[i].T}");
            }
        }
    }

    [Fact]
    public void GetSeries_AlignedSteps_ReadsRollupsNotPoints()
    {
        // Points every 10 ms for two hours: an hourly series over whole hours reads two rollup rows per bucket only.
        var start = RollupLevels.Hour * 498_611; // an hour boundary in 2026
        _store.Write("r", Enumerable.Range(0, 720_000).Select(i => ("m", start + i * 10_000L, (double)(i % 1000), (string?)null)), batch: 20_000);
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");

        var series = _store.Points.GetSeries(runId, "m", start, start + 2 * RollupLevels.Hour - 1, RollupLevels.Hour);

        series.Select(s => s.Count).Should().Equal(360_000, 360_000);
        series.Select(s => (s.Min, s.Max)).Should().Equal((0.0, 999.0), (0.0, 999.0));
        series.Select(s => s.Mean).Should().Equal(499.5, 499.5);
    }

    private static long SeriesStepFor(long from, long to, long step) => Dashboard.Storage.SeriesStep.Choose(from, to, step);
}
