using System.Text.Json;
using Bunit;
using Dashboard.Components.Charts;
using Dashboard.Runs;
using Dashboard.Tests.Components;

namespace Dashboard.Tests.Runs;

/// <summary>Whole-number values (conversation lengths, token counts) get whole-number bins, labels and tooltips.</summary>
public sealed class ValueHistogramTests : ComponentTest
{
    private static ValueHistogram Of(params double[] values)
    {
        var h = new ValueHistogram();
        foreach (var v in values)
        {
            h.Add(v);
        }
        return h;
    }

    [Fact]
    public void Bins_FewWholeNumbers_WidthOneOnIntegerEdgesEveryValueInItsOwnBin()
    {
        var h = Of(2, 3, 3, 4, 7);

        var bins = h.Bins(logarithmic: false);

        h.IsIntegral.Should().BeTrue();
        bins.Should().OnlyContain(b => b.Hi - b.Lo == 1 && b.Lo == Math.Round(b.Lo), "never 0.1-wide bins for counts");
        bins.Where(b => b.Count > 0).Select(b => (b.Lo, b.Count)).Should().Equal((2, 1), (3, 2), (4, 1), (7, 1));
    }

    [Fact]
    public void Bins_WideWholeNumbers_RoundWidthAtLeastOneAndEveryValueCounted()
    {
        var h = Of([.. Enumerable.Range(0, 500).Select(i => (double)(i * 7 % 333 + 40))]);

        var linear = h.Bins(logarithmic: false);
        var log = h.Bins(logarithmic: true);

        linear.Sum(b => b.Count).Should().Be(500);
        linear.Should().OnlyContain(b => b.Lo == Math.Round(b.Lo) && b.Hi == Math.Round(b.Hi));
        new[] { 10.0, 20, 50 }.Should().Contain(linear[0].Hi - linear[0].Lo, "a 1-2-5 width near (max - min) / 20");
        log.Sum(b => b.Count).Should().Be(500);
        log.Should().OnlyContain(b => b.Lo >= 1 && b.Lo == Math.Round(b.Lo));
    }

    [Fact]
    public void Bins_OneFraction_NotIntegral()
    {
        var h = Of(2, 3, 3.5);

        h.IsIntegral.Should().BeFalse();
        (h.Bins(logarithmic: false)[0].Hi - h.Bins(logarithmic: false)[0].Lo).Should().BeLessThan(1);
    }

    [Fact]
    public void Merge_SketchOfWholeNumbers_StaysIntegralAndSameBinsAsAdding()
    {
        var values = Enumerable.Range(0, 300).Select(i => (double)(i % 23 + 1)).ToArray();
        var sketch = new QuantileSketch();
        foreach (var v in values)
        {
            sketch.Add(v);
        }
        var merged = new ValueHistogram();
        merged.Merge(sketch);
        var fractional = new QuantileSketch();
        fractional.Add(1.37);
        fractional.Add(2.71);

        merged.IsIntegral.Should().BeTrue();
        merged.Bins(false).Should().Equal(Of(values).Bins(false));
        var mixed = new ValueHistogram();
        mixed.Merge(fractional);
        mixed.IsIntegral.Should().BeFalse();
    }

    [Fact]
    public void HistogramCard_WholeNumbers_LabelsWithoutDecimalsTooltipRangeAndRoundPercentiles()
    {
        var module = ChartModule;
        var h = Of([.. Enumerable.Range(0, 120).Select(i => (double)(i % 60 + 1))]);

        var card = Render<HistogramCard>(p => p.Add(c => c.Id, "conversation-card").Add(c => c.Title, "Conversation length")
            .Add(c => c.Histogram, h).Add(c => c.What, "Generations"));

        var json = JsonDocument.Parse(module.Invocations["render"].Last().Arguments[1]!.ToString()!).RootElement;
        var bars = json.GetProperty("series")[0].GetProperty("data").EnumerateArray().ToList();
        bars.Should().OnlyContain(b => !b.GetProperty("x").GetString()!.Contains('.'), "labels of whole-number bins have no decimals");
        bars.Sum(b => b.GetProperty("y").GetDouble()).Should().Be(120);
        var first = bars[0];
        (first.GetProperty("hi").GetDouble() - first.GetProperty("lo").GetDouble()).Should().Be(1, "the tooltip names the values counted: 0-1 for [0, 2)");
        json.GetProperty("tooltip").GetProperty("mode").GetString().Should().Be("histogram");
        card.Find("p.muted").TextContent.Should().MatchRegex(@"p50 \d+ · p95 \d+ · p99 \d+ · max 60$");
    }
}
