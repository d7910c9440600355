using System.Text.Json;
using Bunit;
using Dashboard.Components.Charts;

namespace Dashboard.Tests.Components;

public sealed class ApexChartTests : ComponentTest
{
    private static readonly TimeSpanMs Hour = new(1_700_000_000_000, 1_700_003_600_000);

    private static JsonElement Json(ChartSpec spec, bool dark = false) =>
        JsonDocument.Parse(ApexOptionsBuilder.ToJson(ApexOptionsBuilder.Build(spec, dark))).RootElement;

    [Fact]
    public void Build_TimeChart_SpansTheChosenRangeNotTheData()
    {
        var spec = new ChartSpec(ChartKind.Line, [new ChartSeries("p95", [new(Hour.FromMs + 60_000, 1.5)])]) { Time = Hour };

        var json = Json(spec);

        json.GetProperty("xaxis").GetProperty("type").GetString().Should().Be("datetime");
        json.GetProperty("xaxis").GetProperty("min").GetDouble().Should().Be(Hour.FromMs);
        json.GetProperty("xaxis").GetProperty("max").GetDouble().Should().Be(Hour.ToMs);
        json.GetProperty("chart").GetProperty("zoom").GetProperty("enabled").GetBoolean().Should().BeTrue();
        json.GetProperty("chart").GetProperty("animations").GetProperty("enabled").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void Build_BarsWithShareLine_TwoAxesWithUnitsAndSeriesNames()
    {
        var spec = new ChartSpec(ChartKind.Bar,
        [
            new ChartSeries("Generations", [new(1, 3), new(2, 4)]),
            new ChartSeries("Failure share", [new(1, 0.25), new(2, null)], Axis: 1, Type: ChartKind.Line),
        ])
        {
            Axes = [new ChartAxis("Generations", Units.Count, Integer: true), new ChartAxis("Failure share", Units.Share, Min: 0, Max: 1, Opposite: true)],
            Time = Hour,
        };

        var json = Json(spec);

        var y = json.GetProperty("yaxis");
        y.GetArrayLength().Should().Be(2);
        y[0].GetProperty("unit").GetString().Should().Be("count");
        y[0].GetProperty("integer").GetBoolean().Should().BeTrue();
        y[0].GetProperty("max").GetDouble().Should().Be(4);
        y[0].GetProperty("tickAmount").GetInt32().Should().Be(4);
        y[0].GetProperty("seriesName")[0].GetString().Should().Be("Generations");
        y[1].GetProperty("unit").GetString().Should().Be("%");
        y[1].GetProperty("opposite").GetBoolean().Should().BeTrue();
        json.GetProperty("series")[1].GetProperty("type").GetString().Should().Be("line");
        json.GetProperty("series")[0].TryGetProperty("type", out _).Should().BeFalse("the chart's own kind needs no override");
        json.GetProperty("series")[1].GetProperty("data")[1].GetProperty("y").ValueKind.Should().Be(JsonValueKind.Null, "a gap stays a gap");
        json.GetProperty("stroke").GetProperty("width").EnumerateArray().Select(w => w.GetDouble()).Should().Equal(0, 2);
    }

    [Fact]
    public void Build_StackedBarsInOneBucket_FixedColumnWidthNotThePlotsWidth()
    {
        ChartSpec Tokens(params double[] xs) => new(ChartKind.Bar,
        [
            new ChartSeries("gpt-4o", [.. xs.Select(x => new ChartPoint(x, 1200))]),
            new ChartSeries("llama", [.. xs.Select(x => new ChartPoint(x, 300))]),
        ])
        { Time = Hour, Stacked = true };
        string Width(ChartSpec spec) => Json(spec).GetProperty("plotOptions").GetProperty("bar").GetProperty("columnWidth").GetString()!;

        Width(Tokens(Hour.FromMs)).Should().Be(ApexOptionsBuilder.LoneBarWidth, "one x value: ApexCharts would fill the plot");
        Width(Tokens(Hour.FromMs, Hour.FromMs + 60_000)).Should().EndWith("%", "two buckets: the bucket gap sizes the bars");
    }

    [Fact]
    public void Build_Histogram_CategoryBinsCarryEdgesAndIntegerCountAxis()
    {
        var spec = new ChartSpec(ChartKind.Histogram, [new ChartSeries("Generations", [new(0.5, 3, 0.5, 1), new(1, 1, 1, 1.5)])])
        {
            Axes = [new ChartAxis("Generations", Units.Count, Integer: true)],
            XUnit = Units.Seconds,
        };

        var json = Json(spec);

        json.GetProperty("xaxis").GetProperty("type").GetString().Should().Be("category");
        json.GetProperty("xaxis").GetProperty("unit").GetString().Should().Be("s");
        json.GetProperty("xaxis").GetProperty("labels").GetProperty("rotate").GetInt32().Should().Be(0);
        var bar = json.GetProperty("series")[0].GetProperty("data")[0];
        bar.GetProperty("x").GetString().Should().Be("0.5");
        bar.GetProperty("lo").GetDouble().Should().Be(0.5);
        bar.GetProperty("hi").GetDouble().Should().Be(1);
        json.GetProperty("tooltip").GetProperty("mode").GetString().Should().Be("histogram");
        json.GetProperty("yaxis")[0].GetProperty("max").GetDouble().Should().Be(3);
        json.GetProperty("chart").GetProperty("zoom").GetProperty("enabled").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void Build_BandsAndDarkTheme_ShadedAnnotationsAndDarkPalette()
    {
        var spec = new ChartSpec(ChartKind.Line, []) { Time = Hour, Bands = [new ChartBand(Hour.FromMs, Hour.FromMs + 1000, "<b>high latency</b>")] };

        var json = Json(spec, dark: true);

        var band = json.GetProperty("annotations").GetProperty("xaxis")[0];
        band.GetProperty("x").GetDouble().Should().Be(Hour.FromMs);
        band.GetProperty("x2").GetDouble().Should().Be(Hour.FromMs + 1000);
        band.GetProperty("label").GetProperty("text").GetString().Should().Be("<b>high latency</b>");
        json.GetProperty("theme").GetProperty("mode").GetString().Should().Be("dark");
        json.GetProperty("colors")[0].GetString().Should().Be(ChartPalette.Dark[0]);
        band.GetProperty("label").GetProperty("style").GetProperty("background").GetString().Should().Be("#1f2937", "no white label box on the dark theme");
        Json(spec).GetProperty("annotations").GetProperty("xaxis")[0].GetProperty("label").GetProperty("style").GetProperty("background").GetString().Should().Be("#ffffff");
    }

    [Fact]
    public void Build_BandsStartingTogether_LabelsStackedAndKeptInsideThePlot()
    {
        var minute = 60_000d;
        var spec = new ChartSpec(ChartKind.Line, [])
        {
            Time = Hour,
            Bands =
            [
                new ChartBand(Hour.FromMs + 5 * minute, Hour.FromMs + 6 * minute, "early"),
                new ChartBand(Hour.ToMs - 2 * minute, Hour.ToMs, "high_error_rate"),
                new ChartBand(Hour.ToMs - 2 * minute, Hour.ToMs, "low_success_rate"),
                new ChartBand(Hour.FromMs + 25 * minute, Hour.FromMs + 26 * minute, "middle"),
            ],
        };

        var labels = Json(spec).GetProperty("annotations").GetProperty("xaxis").EnumerateArray()
            .Select(a => a.GetProperty("label")).Select(l => (Text: l.GetProperty("text").GetString(),
                Anchor: l.GetProperty("textAnchor").GetString(), Row: l.GetProperty("offsetY").GetDouble())).ToList();

        labels.Should().Equal(
            ("early", "start", 0d),
            ("high_error_rate", "end", 0d),          // near the right edge: written leftwards, not under the right axis
            ("low_success_rate", "end", 20d),        // fired with the one above: one row down, not over it
            ("middle", "start", 0d));                // far enough from both
    }

    [Fact]
    public void Build_RulesFiringAgainAndAgain_EachNameOnceOnItsLatestBandInTwoRowsAtMost()
    {
        var minute = 60_000d;
        ChartBand Band(int at, string rule) => new(Hour.FromMs + at * minute, Hour.FromMs + (at + 2) * minute, rule);
        var spec = new ChartSpec(ChartKind.Line, [])
        {
            Time = Hour,
            Bands =
            [
                Band(5, "high_error_rate"), Band(5, "low_success_rate"), Band(20, "high_error_rate"), Band(20, "low_success_rate"),
                Band(30, "slow"), Band(31, "high_error_rate"), Band(31, "low_success_rate"),
            ],
        };

        var annotations = Json(spec).GetProperty("annotations").GetProperty("xaxis").EnumerateArray().ToList();
        var labels = annotations.Select(a => a.GetProperty("label"))
            .Select(l => (Text: l.GetProperty("text").GetString(), Row: l.GetProperty("offsetY").GetDouble())).ToList();

        annotations.Should().HaveCount(7, "every firing stays shaded");
        labels.Should().Equal(
            ("", 0d), ("", 0d), ("", 0d), ("", 0d),     // earlier firings of rules named later: no name again
            ("slow", 0d),
            ("high_error_rate", 20d),                   // its latest band, one row down from "slow"
            ("", 0d));                                  // a third row would cover the data: low_success_rate's name is left out
    }

    [Fact]
    public void Build_HistogramOfManyBins_LabelsEveryFewBinsUntrimmed()
    {
        var bins = Enumerable.Range(0, 24).Select(i => new ChartPoint(0.5 + i * 0.1, i % 5, 0.5 + i * 0.1, 0.6 + i * 0.1)).ToList();
        var spec = new ChartSpec(ChartKind.Histogram, [new ChartSeries("Generations", bins)]) { XUnit = Units.Seconds };

        var x = Json(spec).GetProperty("xaxis");

        x.GetProperty("tickAmount").GetInt32().Should().Be(8);
        x.GetProperty("labels").GetProperty("trim").GetBoolean().Should().BeFalse("trimmed to one bin's width, every label read as dots");
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(4, 4)]
    [InlineData(7, 10)]
    [InlineData(13, 20)]
    [InlineData(420, 500)]
    public void NiceCeiling_Max_RoundsUpTo125(double max, double expected) =>
        ApexOptionsBuilder.NiceCeiling(max).Should().Be(expected);

    [Fact]
    public async Task ApexChart_NewSpec_RendersOnceThenUpdatesAndDestroysOnDispose()
    {
        var module = ChartModule;
        var spec = new ChartSpec(ChartKind.Line, [new ChartSeries("a", [new(1, 1)])]) { Time = Hour };
        var chart = Render<ApexChart>(p => p.Add(c => c.Spec, spec).Add(c => c.Id, "c1"));

        chart.Render(p => p.Add(c => c.Spec, spec with { Series = [new ChartSeries("a", [new(1, 1), new(2, 2)])] }));
        chart.Render(p => p.Add(c => c.Spec, spec with { Series = [new ChartSeries("a", [new(1, 1), new(2, 2)])] }));
        await DisposeComponentsAsync();

        module.Invocations.Select(i => i.Identifier).Should().Equal("render", "update", "destroy");
        var updated = JsonDocument.Parse((string)module.Invocations["update"][0].Arguments[1]!).RootElement;
        updated.GetProperty("series")[0].GetProperty("data").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public void ApexChart_HostileSeriesName_StaysOutOfTheMarkup()
    {
        _ = ChartModule;
        var chart = Render<ApexChart>(p => p.Add(c => c.Spec, new ChartSpec(ChartKind.Line, [new ChartSeries("<img src=x onerror=alert(1)>", [])]))
            .Add(c => c.Label, "<script>alert(1)</script>"));

        chart.FindAll("img").Should().BeEmpty();
        chart.FindAll("script").Should().BeEmpty();
        chart.Find(".chart-host").GetAttribute("aria-label").Should().Be("<script>alert(1)</script>");
    }

    [Fact]
    public async Task ApexChart_RenderWhileDrawing_DrawsOnceThenTheNewestSpec()
    {
        var module = ChartModule;
        var drawing = module.SetupVoid("render", _ => true);
        var spec = new ChartSpec(ChartKind.Line, [new ChartSeries("a", [new(1, 1)])]) { Time = Hour };
        var chart = Render<ApexChart>(p => p.Add(c => c.Spec, spec).Add(c => c.Id, "c1"));

        // The page re-renders (circuit up) while the first draw still waits for the browser.
        chart.Render(p => p.Add(c => c.Spec, spec with { Series = [new ChartSeries("a", [new(1, 1), new(2, 2)])] }));
        chart.Render(p => p.Add(c => c.Spec, spec with { Series = [new ChartSeries("a", [new(1, 1), new(2, 2), new(3, 3)])] }));
        module.Invocations.Select(i => i.Identifier).Should().Equal(["render"], "no second draw beside the first");
        await chart.InvokeAsync(() => drawing.SetVoidResult());

        chart.WaitForAssertion(() => module.Invocations.Select(i => i.Identifier).Should().Equal("render", "update"), TimeSpan.FromSeconds(10));
        var updated = JsonDocument.Parse((string)module.Invocations["update"][0].Arguments[1]!).RootElement;
        updated.GetProperty("series")[0].GetProperty("data").GetArrayLength().Should().Be(3, "the newest spec, once");
    }
}
