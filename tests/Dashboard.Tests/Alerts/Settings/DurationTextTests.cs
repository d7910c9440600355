using Dashboard.Alerts.Settings;

namespace Dashboard.Tests.Alerts.Settings;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("5m", 300)]
    [InlineData("90s", 90)]
    [InlineData("90", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData(" 1H 30M ", 5400)]
    [InlineData("2d", 172_800)]
    [InlineData("0s", 0)]
    public void TryParse_WrittenDuration_ReturnsSeconds(string text, int seconds)
    {
        DurationText.TryParse(text, out var parsed, out var error).Should().BeTrue(error);

        parsed.Should().Be(seconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("five minutes")]
    [InlineData("5x")]
    [InlineData("-5m")]
    [InlineData("m")]
    [InlineData("99999999999")]
    public void TryParse_NotADuration_FailsWithWords(string text)
    {
        DurationText.TryParse(text, out _, out var error).Should().BeFalse();

        error.Should().NotBeNullOrEmpty().And.NotContain("_seconds");
    }

    [Theory]
    [InlineData(300, "5m")]
    [InlineData(5400, "1h30m")]
    [InlineData(90, "1m30s")]
    [InlineData(86_400, "1d")]
    [InlineData(0, "0s")]
    public void Format_Seconds_ShortestExactText(int seconds, string text)
    {
        DurationText.Format(seconds).Should().Be(text);
        DurationText.TryParse(text, out var back, out _).Should().BeTrue();
        back.Should().Be(seconds);
    }
}
