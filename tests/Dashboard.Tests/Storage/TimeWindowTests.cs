using Dashboard.Ingest;
using Dashboard.Storage;

namespace Dashboard.Tests.Storage;

public sealed class TimeWindowTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    public void TryParse_KnownWindows_Span(string text, int seconds)
    {
        TimeWindow.TryParse(text, "5m", out var w).Should().BeTrue();

        w.Span.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("5 m")]
    [InlineData("-5m")]
    [InlineData("5w")]
    [InlineData("forever")]
    public void TryParse_Garbage_False(string text) => TimeWindow.TryParse(text, "5m", out _).Should().BeFalse();

    [Fact]
    public void TryParse_Empty_UsesFallback()
    {
        TimeWindow.TryParse(null, "all", out var w).Should().BeTrue();

        w.Should().Be(TimeWindow.All);
    }

    [Theory]
    [InlineData("2026-11-20T09:00:08.556856", 1_795_165_208_556_856L)]
    [InlineData("2026-11-20T10:00:08.556856+01:00", 1_795_165_208_556_856L)]
    [InlineData("2026-11-20T09:00:08Z", 1_795_165_208_000_000L)]
    public void Timestamps_IsoWithoutOffset_IsUtc(string text, long micros)
    {
        Timestamps.TryParseIso(text, out var m).Should().BeTrue();

        m.Should().Be(micros);
    }
}
