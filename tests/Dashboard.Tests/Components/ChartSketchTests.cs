using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using Dashboard.Components.Charts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Tests.Components;

/// <summary>The server-drawn chart of the prerendered page: its geometry, its labels, and where it is (not) written.</summary>
public sealed partial class ChartSketchTests : ComponentTest
{
    // 2023-11-14 22:13:20 UTC, for an hour.
    private static readonly TimeSpanMs Hour = new(1_700_000_000_000, 1_700_003_600_000);

    [GeneratedRegex(@"M([\d.]+) ([\d.]+)V([\d.]+)h([\d.]+)V([\d.]+)Z")]
    private static partial Regex Rect();

    private static List<(double Left, double Bottom, double Top, double Width)> Rects(string path) =>
        [.. Rect().Matches(path).Select(m => (D(m, 1), D(m, 2), D(m, 3), D(m, 4)))];

    private static double D(Match m, int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Draw_StackedBars_EachSeriesStartsWhereTheOneBeforeEnded()
    {
        var spec = new ChartSpec(ChartKind.Bar,
        [
            new ChartSeries("gpt-4o", [new(Hour.FromMs + 600_000, 3), new(Hour.FromMs + 1_200_000, 1)]),
            new ChartSeries("llama", [new(Hour.FromMs + 600_000, 1), new(Hour.FromMs + 1_200_000, 1)]),
        ])
        { Axes = [new ChartAxis("Tokens", Units.Count, Integer: true)], Time = Hour, Stacked = true };

        var d = ChartSketch.Draw(spec, dark: false);

        d.YAxes[0].Ticks.Select(t => t.Label).Should().Equal("0", "1", "2", "3", "4");
        var first = Rects(d.Shapes[0].Path);
        var second = Rects(d.Shapes[1].Path);
        first.Should().HaveCount(2);
        first[0].Bottom.Should().Be(1000);
        first[0].Top.Should().Be(250, "3 of 4 is three quarters up");
        second[0].Bottom.Should().Be(250, "stacked on the first series' 3");
        second[0].Top.Should().Be(0);
        second[1].Bottom.Should().Be(750);
        second[1].Top.Should().Be(500);
        (first[0].Left + first[0].Width / 2).Should().BeApproximately(1000d / 6, 0.1, "centred on its bucket, 10 of 60 minutes in");
        first[0].Width.Should().BeApproximately(1000d / 6 * 0.85, 0.1, "85% of the gap between buckets");
        d.Shapes[0].Fill.Should().Be(ChartPalette.Light[0]);
        d.Shapes[1].Fill.Should().Be(ChartPalette.Light[1]);
        d.Legend.Select(l => l.Name).Should().Equal("gpt-4o", "llama");
    }

    [Fact]
    public void Draw_TimeAxis_RoundUtcTimesAcrossTheChosenRange()
    {
        var spec = new ChartSpec(ChartKind.Line, [new ChartSeries("p95", [new(Hour.FromMs + 60_000, 1.5)])]) { Time = Hour };

        var ticks = ChartSketch.Draw(spec, dark: false).XTicks;

        ticks.Select(t => t.Label).Should().Equal("22:20", "22:30", "22:40", "22:50", "23:00", "23:10");
        ticks[0].Percent.Should().BeApproximately(400_000 / 3_600_000d * 100, 0.1);
        ChartTicks.TimeLabel(Hour.FromMs, 10_000).Should().Be("22:13:20", "seconds when ticks are under a minute apart");
        ChartTicks.TimeLabel(Hour.FromMs, 86_400_000).Should().Be("14 Nov");
    }

    [Fact]
    public void Draw_LatencyAxis_RoundsUpToAStepAndWritesUnits()
    {
        var spec = new ChartSpec(ChartKind.Line,
            [new ChartSeries("p50", [new(Hour.FromMs, 0.5), new(Hour.FromMs + 60_000, null), new(Hour.FromMs + 120_000, 10.5), new(Hour.FromMs + 180_000, 2)])])
        { Axes = [new ChartAxis("Generation time", Units.Seconds, Min: 0)], Time = Hour };

        var d = ChartSketch.Draw(spec, dark: true);

        d.YAxes[0].Ticks.Select(t => t.Label).Should().Equal("0 s", "2.5 s", "5 s", "7.5 s", "10 s", "12.5 s");
        d.YAxes[0].Ticks[^1].Percent.Should().Be(0, "the axis ends on its last tick");
        d.Shapes[0].Stroke.Should().Be(ChartPalette.Dark[0]);
        d.Shapes[0].Path.Count(c => c == 'M').Should().Be(2, "the gap (y null) breaks the line");
        d.Shapes[0].Path.Should().StartWith("M0 960");
        d.Shapes.Should().Contain(s => s.Width == 8 && s.Path.Contains("h0"), "a short line gets its points marked");
        d.Legend.Should().BeEmpty("one series needs no legend");
        ChartTicks.Label(0.25, Units.Seconds).Should().Be("250 ms");
    }

    [Fact]
    public void Draw_ShareAxisAndBands_PercentTicksAndBandsClippedToTheRange()
    {
        var spec = new ChartSpec(ChartKind.Bar,
        [
            new ChartSeries("Generations", [new(Hour.FromMs + 1_800_000, 7)]),
            new ChartSeries("Failure share", [new(Hour.FromMs + 1_800_000, 0.25)], Axis: 1, Type: ChartKind.Line),
        ])
        {
            Axes = [new ChartAxis("Generations", Units.Count, Integer: true), new ChartAxis("Failure share", Units.Share, Min: 0, Max: 1, Opposite: true)],
            Time = Hour,
            Bands = [new ChartBand(Hour.FromMs - 600_000, Hour.FromMs + 360_000, "high failure share"), new ChartBand(Hour.ToMs + 1, Hour.ToMs + 2, "later")],
        };

        var d = ChartSketch.Draw(spec, dark: false);

        d.YAxes[1].Opposite.Should().BeTrue();
        d.YAxes[1].Ticks.Select(t => t.Label).Should().Equal("0%", "20%", "40%", "60%", "80%", "100%");
        d.YAxes[0].Ticks[^1].Label.Should().Be("10", "7 rounds up to 10 on a count axis");
        Rects(d.Shapes[0].Path).Single().Width.Should().Be(50, "a lone bucket's bar has a fixed width");
        d.Shapes[1].Path.Should().Be("M500 750", "the share line uses its own axis: 25% is a quarter up");
        d.Bands.Should().ContainSingle().Which.Should().Be(new SketchBand(0, 100), "clipped at the range's start; a band after the range is not drawn");
        d.BandColor.Should().Be(ChartPalette.Band(false));
    }

    [Fact]
    public void Draw_HistogramOnALogAxis_BinsByIndexPowersOfTen()
    {
        var bins = Enumerable.Range(0, 20).Select(i => new ChartPoint(0.5 * (i + 1), i == 3 ? 2000 : 3, 0.5 * (i + 1), 0.5 * (i + 2))).ToList();
        var spec = new ChartSpec(ChartKind.Histogram, [new ChartSeries("Generations", bins)])
        {
            Axes = [new ChartAxis("Generations", Units.Count, Logarithmic: true)],
            XUnit = Units.Seconds,
        };

        var d = ChartSketch.Draw(spec, dark: false);

        d.YAxes[0].Ticks.Select(t => t.Label).Should().Equal("1", "10", "100", "1k", "10k");
        d.XTicks.Select(t => t.Label).Should().Equal("500 ms", "2 s", "3.5 s", "5 s", "6.5 s", "8 s", "9.5 s");
        d.XTicks[0].Percent.Should().BeApproximately(2.5, 0.01, "the middle of the first of 20 bins");
        var rects = Rects(d.Shapes[0].Path);
        rects.Should().HaveCount(20);
        rects[3].Top.Should().BeLessThan(rects[0].Top, "2,000 stands higher than 3");
        rects[0].Bottom.Should().Be(1000, "bars start at the log axis' bottom");
    }

    [Theory]
    [InlineData(ChartKind.Line)]
    [InlineData(ChartKind.Area)]
    [InlineData(ChartKind.Bar)]
    [InlineData(ChartKind.Histogram)]
    public void View_NoPointsOrOneValue_NoNaNOrInfinityInTheMarkup(ChartKind kind)
    {
        var empty = new ChartSpec(kind, [new ChartSeries("a", [])]) { Time = kind == ChartKind.Histogram ? null : Hour };
        var flat = new ChartSpec(kind, [new ChartSeries("a", [new(Hour.FromMs, 0, 0, 0), new(Hour.FromMs, 0, 0, 0)])])
        {
            Axes = [new ChartAxis("", Units.Seconds, Logarithmic: kind == ChartKind.Histogram)],
        };

        foreach (var spec in new[] { empty, flat, new ChartSpec(kind, []) })
        {
            var markup = Render<ChartSketchView>(p => p.Add(c => c.Spec, spec)).Markup;
            markup.Should().NotContain("NaN").And.NotContain("Infinity").And.NotContain("∞");
        }
    }

    [Theory]
    [InlineData(0, 1, false, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [InlineData(0, 37, false, new[] { 0d, 10, 20, 30, 40 })]
    [InlineData(0, 3, true, new[] { 0d, 1, 2, 3 })]
    [InlineData(-3, 7, false, new[] { -4d, -2, 0, 2, 4, 6, 8 })]
    [InlineData(5, 5, false, new[] { 5d, 6, 7, 8, 9, 10 })]
    public void Values_Range_RoundStepsCoveringIt(double min, double max, bool integer, double[] expected) =>
        ChartTicks.Values(min, max, integer, integer ? 3 : 5).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-9);

    [Fact]
    public void View_HostileNames_WrittenAsText()
    {
        var spec = new ChartSpec(ChartKind.Line,
        [
            new ChartSeries("<img src=x onerror=alert(1)>", [new(1, 1), new(2, 2)]),
            new ChartSeries("b", [new(1, 2)]),
        ])
        { Axes = [new ChartAxis("<script>alert(2)</script>")] };

        var view = Render<ChartSketchView>(p => p.Add(c => c.Spec, spec));

        view.Markup.Should().NotContain("<img").And.NotContain("<script").And.Contain("&lt;img src=x onerror=alert(1)&gt;");
        view.Find(".sketch-legend").TextContent.Should().Contain("<img src=x onerror=alert(1)>");
        view.Find(".sketch-title").TextContent.Should().Be("<script>alert(2)</script>");
        view.Find(".chart-sketch").GetAttribute("aria-hidden").Should().Be("true", "the host's label speaks for the chart");
    }

    [Fact]
    public void ApexChart_Prerendered_CarriesTheSketchInteractiveDoesNot()
    {
        var spec = new ChartSpec(ChartKind.Bar, [new ChartSeries("Events", [new(Hour.FromMs, 4)])]) { Time = Hour };

        var interactive = Render<ApexChart>(p => p.Add(c => c.Spec, spec).Add(c => c.Id, "c1"));
        Renderer.SetRendererInfo(new RendererInfo("Static", false));
        var prerendered = Render<ApexChart>(p => p.Add(c => c.Spec, spec).Add(c => c.Id, "c2"));
        var unnamed = Render<ApexChart>(p => p.Add(c => c.Spec, spec));

        interactive.FindAll(".chart-sketch").Should().BeEmpty("the circuit's charts are ApexCharts' alone");
        prerendered.Find("#c2 > .chart-sketch .sketch-plot svg path[fill='#2563eb']").Should().NotBeNull();
        prerendered.Find("#c2").GetAttribute("data-options").Should().NotBeNullOrEmpty();
        unnamed.FindAll(".chart-sketch").Should().BeEmpty("a chart without a key is never drawn before the circuit, so it is not sketched either");
    }
}
