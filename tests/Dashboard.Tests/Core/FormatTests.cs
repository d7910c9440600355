namespace Dashboard.Tests.Core;

public sealed class FormatTests
{
    [Fact]
    public void Format_OneClassInTheApp_LivesInCore()
    {
        var formats = typeof(Format).Assembly.GetTypes().Where(t => t.Name == "Format").Select(t => t.FullName).ToList();

        formats.Should().Equal("Dashboard.Core.Format");
    }

    [Theory]
    [InlineData(null, "–")]
    [InlineData(999.0, "999")]
    [InlineData(1_234.0, "1.2k")]
    [InlineData(45_600.0, "46k")]
    [InlineData(2_500_000.0, "2.5M")]
    public void Count_Magnitudes_ShortForms(double? value, string expected)
    {
        Format.Count(value).Should().Be(expected);
    }

    [Theory]
    [InlineData(0.35, "350 ms")]
    [InlineData(7.456, "7.46 s")]
    [InlineData(250.0, "250 s")]
    public void Seconds_BelowAndAboveOneSecond_MillisecondsOrSeconds(double seconds, string expected)
    {
        Format.Seconds(seconds).Should().Be(expected);
    }

    [Fact]
    public void Percent_Fraction_OneDecimal()
    {
        Format.Percent(0.975).Should().Be("97.5%");
    }
}
