using System.Text;
using Dashboard.Ingest;
using Dashboard.Storage;

namespace Dashboard.Tests.Ingest;

/// <summary>Python's non-finite tokens, content ids, import time zones and the non-finite stats rule.</summary>
public sealed class AfterimageValuesTests
{
    private static string Quote(string json) => Encoding.UTF8.GetString(PythonJsonTokens.Quote(Encoding.UTF8.GetBytes(json)).Span);

    [Theory]
    [InlineData("""{"value": NaN}""", """{"value": "NaN"}""")]
    [InlineData("""[Infinity,-Infinity, NaN ]""", """["Infinity","-Infinity", "NaN" ]""")]
    [InlineData("""{"feedback": "NaN and Infinity stay text", "v": 1}""", """{"feedback": "NaN and Infinity stay text", "v": 1}""")]
    [InlineData("""{"a": "\"", "b": NaN}""", """{"a": "\"", "b": "NaN"}""")]
    [InlineData("""{"v": -NaN}""", """{"v": -NaN}""")]
    [InlineData("""{"v": +Infinity}""", """{"v": +Infinity}""")]
    [InlineData("""{"v": NaNcy}""", """{"v": NaNcy}""")]
    public void Quote_PythonTokens_BecomeStringsOnlyWherePythonWritesThem(string input, string expected)
    {
        Quote(input).Should().Be(expected);
    }

    [Fact]
    public void Hash_SamePointWithDifferentNumberSpellingAndKeyOrder_IsEqual()
    {
        var a = new MetricPoint("m", 1, 2, "org/m", """{"turns":2,"temperature":0.7}""");
        var b = new MetricPoint("m", 1, 2.0, "org/m", """{"temperature":0.70,"turns":2.0}""");
        var later = a with { Timestamp = 2 };

        ContentIds.Hash(a, withTime: true).Should().Be(ContentIds.Hash(b, withTime: true));
        ContentIds.Hash(a, withTime: true).Should().NotBe(ContentIds.Hash(later, withTime: true));
        ContentIds.Hash(a with { Value = double.NaN }, withTime: true).Should().NotBe(ContentIds.Hash(a, withTime: true));
    }

    [Theory]
    [InlineData("America/New_York", "2026-03-08T01:59:59", "2026-03-08T06:59:59Z")]
    [InlineData("America/New_York", "2026-03-08T03:00:00", "2026-03-08T07:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00Z")]
    [InlineData("Asia/Kolkata", "2026-11-20T09:00:00", "2026-11-20T03:30:00Z")]
    [InlineData("-0330", "2026-11-20T09:00:00", "2026-11-20T12:30:00Z")]
    public void ToUtc_NaiveWallTime_ConvertsAsPythonFold0(string zone, string wall, string utc)
    {
        ImportTimeZone.TryParse(zone, out var tz).Should().BeTrue();

        ImportTimeZone.ToUtc(DateTime.Parse(wall, System.Globalization.CultureInfo.InvariantCulture), tz)
            .Should().Be(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("Nowhere/City")]
    [InlineData("+15:00")]
    [InlineData("5")]
    public void TryParse_NotAZone_IsFalse(string zone)
    {
        ImportTimeZone.TryParse(zone, out _).Should().BeFalse();
    }

    [Fact]
    public void With_NonFinite_FollowsAfterimageArithmetic()
    {
        var finite = MetricStats.From([1, 3]);

        finite.With(new NonFiniteCounts(1, 0, 0)).Should().Match<MetricStats>(s =>
            s.Count == 3 && double.IsNaN(s.Mean!.Value) && s.Min == 1 && s.Max == 3);
        finite.With(new NonFiniteCounts(0, 1, 0)).Should().Match<MetricStats>(s =>
            s.Count == 3 && s.Mean == double.PositiveInfinity && s.Min == 1 && s.Max == double.PositiveInfinity);
        finite.With(new NonFiniteCounts(0, 1, 1)).Mean.Should().Be(double.NaN);
        MetricStats.Empty.With(new NonFiniteCounts(2, 0, 0)).Should().Match<MetricStats>(s =>
            s.Count == 2 && double.IsNaN(s.Min!.Value) && double.IsNaN(s.Max!.Value));
        finite.With(default).Should().Be(finite);
    }
}
