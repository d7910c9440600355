namespace Dashboard.Tests.Core;

public sealed class TimeRangeParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryParse_Nothing_UsesDefaultWindowEndingNow()
    {
        var error = TimeRangeParser.TryParse(null, null, null, "5m", Now, out var range);

        error.Should().BeNull();
        range.Label.Should().Be("5m");
        range.FromMicros.Should().Be(Timestamps.ToMicros(Now.AddMinutes(-5)));
        range.HasTo.Should().BeFalse();
        range.IsCustom.Should().BeFalse();
    }

    [Fact]
    public void TryParse_All_IsOpenAtBothEnds()
    {
        TimeRangeParser.TryParse("all", null, null, "5m", Now, out var range).Should().BeNull();

        range.HasFrom.Should().BeFalse();
        range.HasTo.Should().BeFalse();
        range.Label.Should().Be("all");
    }

    [Fact]
    public void TryParse_WindowAndFrom_NamesWindow()
    {
        var error = TimeRangeParser.TryParse("5m", "2026-12-01T00:00:00Z", null, "all", Now, out _);

        error.Should().Be(new FieldError("window", "Give either window or from/to, not both."));
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("1234567h")]
    public void TryParseWindow_BadText_NamesWindow(string window)
    {
        var error = TimeRangeParser.TryParseWindow(window, "all", Now, out _);

        error!.Field.Should().Be("window");
        error.Message.Should().Be(TimeRangeParser.WindowMessage);
    }

    [Fact]
    public void TryParseBounds_IsoAndUnixSeconds_GiveTheSameInstant()
    {
        TimeRangeParser.TryParseBounds("2026-12-01T00:00:00Z", "1796083200", out var range).Should().BeNull();

        range.FromMicros.Should().Be(range.ToMicros);
        range.FromMicros.Should().Be(1_796_083_200_000_000);
        range.IsCustom.Should().BeTrue();
    }

    [Fact]
    public void TryParseBounds_FractionalSeconds_RoundToTheMicrosecond()
    {
        TimeRangeParser.TryParseBounds("1.0000004", "1.0000006", out var range).Should().BeNull();

        range.FromMicros.Should().Be(1_000_000);
        range.ToMicros.Should().Be(1_000_001);
    }

    [Fact]
    public void TryParseBounds_OneEndOnly_LeavesTheOtherOpen()
    {
        TimeRangeParser.TryParseBounds(null, "2026-12-01T00:00:00Z", out var range).Should().BeNull();

        range.HasFrom.Should().BeFalse();
        range.HasTo.Should().BeTrue();
    }

    [Theory]
    [InlineData("yesterday", null, "from")]
    [InlineData("-1", null, "from")]
    [InlineData("253402300800", null, "from")]
    [InlineData("NaN", null, "from")]
    [InlineData("1969-12-31T23:59:59Z", null, "from")]
    [InlineData(null, "soon", "to")]
    [InlineData(null, "Infinity", "to")]
    [InlineData("2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z", "from")]
    public void TryParseBounds_BadInput_NamesTheField(string? from, string? to, string field)
    {
        var error = TimeRangeParser.TryParseBounds(from, to, out _);

        error!.Field.Should().Be(field);
    }

    [Fact]
    public void TryParseBounds_LastSecondOf9999_IsAccepted()
    {
        TimeRangeParser.TryParseBounds("253402300799", null, out var range).Should().BeNull();

        range.FromMicros.Should().Be(253_402_300_799_000_000);
    }

    [Theory]
    [InlineData("10s", 10_000_000)]
    [InlineData("2m", 120_000_000)]
    [InlineData("1d", 86_400_000_000)]
    public void TryParseStep_Span_GivesMicroseconds(string step, long micros)
    {
        TimeRangeParser.TryParseStep(step, out var parsed).Should().BeNull();

        parsed.Should().Be(micros);
    }

    [Theory]
    [InlineData("all")]
    [InlineData("fast")]
    [InlineData("")]
    public void TryParseStep_NotASpan_NamesStep(string step)
    {
        TimeRangeParser.TryParseStep(step, out _)!.Field.Should().Be("step");
    }
}
