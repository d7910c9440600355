using System.Text;
using Dashboard.Metrics;
using FluentAssertions;

namespace Dashboard.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Sample_LabelValueWithQuoteBackslashAndNewline_IsEscaped()
    {
        var text = new StringBuilder();

        new PrometheusTextWriter(text).Sample("x_total", [new("run", "a\"b\\c\nd"), new("model", "m")], 3);

        text.ToString().Should().Be("x_total{run=\"a\\\"b\\\\c\\nd\",model=\"m\"} 3\n");
    }

    [Fact]
    public void Family_HelpWithBackslashNewlineAndQuote_EscapesBackslashAndNewlineOnly()
    {
        var text = new StringBuilder();

        new PrometheusTextWriter(text).Family("x_total", "counter", "a \\ b\n\"c\"");

        text.ToString().Should().Be("# HELP x_total a \\\\ b\\n\"c\"\n# TYPE x_total counter\n");
    }

    [Fact]
    public void Sample_NoLabels_WritesNameAndValueOnly()
    {
        var text = new StringBuilder();

        new PrometheusTextWriter(text).Sample("queue_depth", [], 0);

        text.ToString().Should().Be("queue_depth 0\n");
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e-7, "1E-07")]
    public void FormatValue_SpecialAndFractionalValues_UseTheFormatsSpelling(double value, string expected)
    {
        PrometheusTextWriter.FormatValue(value).Should().Be(expected);
    }

    [Fact]
    public void Sample_LargeAndFractionalValues_AreWrittenExactly()
    {
        var text = new StringBuilder();
        var w = new PrometheusTextWriter(text);

        w.Sample("a", [], 123456789012);
        w.Sample("b", [], 0.1 + 0.2);

        text.ToString().Should().Be("a 123456789012\nb 0.30000000000000004\n");
    }

    [Fact]
    public void Histogram_PerBucketCounts_AreWrittenCumulativeWithInfSumAndCount()
    {
        var text = new StringBuilder();

        new PrometheusTextWriter(text).Histogram("t_seconds", [new("run", "r")], [0.5, 1], [2, 1], 9.5, 5);

        text.ToString().Should().Be(
            "t_seconds_bucket{run=\"r\",le=\"0.5\"} 2\n" +
            "t_seconds_bucket{run=\"r\",le=\"1\"} 3\n" +
            "t_seconds_bucket{run=\"r\",le=\"+Inf\"} 5\n" +
            "t_seconds_sum{run=\"r\"} 9.5\n" +
            "t_seconds_count{run=\"r\"} 5\n");
    }
}
