using Dashboard.Runs;

namespace Dashboard.Tests.Components;

public class SeriesMathTests
{
    [Fact]
    public void RollingMean_ShortStart_AveragesWhatExists()
    {
        var result = SeriesMath.RollingMean([1, 0, 1, 1], 2);

        result.Should().Equal(1, 0.5, 0.5, 1);
    }

    [Fact]
    public void Decimate_MillionPoints_KeepsAtMostThousandWithEnds()
    {
        var times = Enumerable.Range(0, 1_000_000).Select(i => (long)i * 1000).ToList();
        var values = times.Select(t => (double)t).ToList();

        var points = SeriesMath.Decimate(times, values);

        points.Should().HaveCount(SeriesMath.MaxChartPoints);
        points[0][0].Should().Be(0);
        points[^1][1].Should().Be(values[^1]);
    }

    [Fact]
    public void Histogram_WholeNumbers_OneBinPerValue()
    {
        var bins = SeriesMath.Histogram([1, 2, 2, 4]);

        bins.Select(b => b.Count).Should().Equal(1, 2, 0, 1);
    }

    [Fact]
    public void Histogram_Fractions_CountsEveryValue()
    {
        var values = Enumerable.Range(0, 500).Select(i => i * 0.37).ToList();

        var bins = SeriesMath.Histogram(values);

        bins.Should().HaveCountLessOrEqualTo(30);
        bins.Sum(b => b.Count).Should().Be(500);
    }

    [Fact]
    public void TryParse_CustomFromTo_IsCustomAndBounded()
    {
        var field = RunRange.TryParse(null, "2026-11-20T09:00", "2026-11-20T09:30", DateTimeOffset.UnixEpoch, out var range);

        field.Should().BeNull();
        range.IsCustom.Should().BeTrue();
        range.FollowsNow.Should().BeFalse();
        range.ToExportQuery().Should().Be("from=2026-11-20T09%3A00%3A00Z&to=2026-11-20T09%3A30%3A00Z");
    }

    [Theory]
    [InlineData("7x", null, null, "range")]
    [InlineData("custom", "nope", null, "from")]
    [InlineData(null, "2026-11-20T10:00", "2026-11-20T09:00", "from")]
    public void TryParse_BadInput_NamesTheField(string? range, string? from, string? to, string expected)
    {
        RunRange.TryParse(range, from, to, DateTimeOffset.UnixEpoch, out _).Should().Be(expected);
    }
}
