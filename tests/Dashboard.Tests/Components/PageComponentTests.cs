using Bunit;
using Dashboard.Alerts.Settings;
using Dashboard.Predictions;
using Dashboard.Runs;
using Dashboard.Security;
using Dashboard.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Components;

/// <summary>bUnit tests of the pages' own components: rendering, interaction, hostile text rendered as text.</summary>
public sealed class PageComponentTests : PageComponentTest
{
    private const string Xss = "<img src=x onerror=alert(1)>";

    [Fact]
    public void LabelBars_HostileLabel_RenderedAsTextWithItsShare()
    {
        var cut = RenderInteractive<LabelBars>(p => p
            .Add(c => c.Labels, [new LabelCount(Xss, 3, 0.75), new LabelCount("ok", 1, 0.25)])
            .Add(c => c.More, 2));

        cut.FindAll("img").Should().BeEmpty();
        cut.Find(".label-name").TextContent.Should().Be(Xss);
        cut.Find(".label-share").TextContent.Should().Be("75%");
        cut.Find("#labels-more").HasAttribute("hidden").Should().BeFalse();
    }

    [Fact]
    public void ActivitySparkline_Counts_PathAndTotalAsLabel()
    {
        var cut = RenderInteractive<ActivitySparkline>(p => p.Add(c => c.Counts, [0, 2, 5, 1]));

        cut.Find("svg").GetAttribute("data-total").Should().Be("8");
        cut.Find("svg").GetAttribute("aria-label").Should().Be("8 events in the last hour");
        cut.FindAll("path.sparkline-line").Should().ContainSingle();
    }

    [Fact]
    public void ActivitySparkline_NoEvents_FlatLine()
    {
        var cut = RenderInteractive<ActivitySparkline>(p => p.Add(c => c.Counts, new int[60]));

        cut.FindAll("path").Should().BeEmpty();
        cut.FindAll("line.sparkline-flat").Should().ContainSingle();
    }

    [Theory]
    [InlineData("Token", true)]
    [InlineData("None", false)]
    public void IngestCurl_AuthMode_KeyHeaderAndWhereTheKeyComesFrom(string mode, bool keyed)
    {
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = mode }));

        var cut = RenderInteractive<IngestCurl>(p => p.Add(c => c.Body, """{"run":"r"}"""));

        var text = cut.Find("pre").TextContent;
        text.Should().Contain("/api/v1/ingest").And.Contain("""-d '{"run":"r"}'""");
        if (keyed)
        {
            text.Should().Contain("export INGEST_KEY=").And.Contain("X-Api-Key: $INGEST_KEY");
            cut.Find(".key-help").TextContent.Should().Contain("Settings → API keys");
        }
        else
        {
            text.Should().NotContain("X-Api-Key");
            cut.FindAll(".key-help").Should().BeEmpty();
        }
    }

    [Fact]
    public void RulePreviewPanel_Click_ShowsRunsItWouldHaveFiredOn()
    {
        var now = DateTimeOffset.UtcNow;
        var points = Enumerable.Range(0, 5).Select(i => now.AddMinutes(-30 + i).ToUnixTimeMilliseconds() * 1000).ToList();
        Services.AddSingleton<IRulePreviewReader>(new FakePreviewReader([new PreviewSeries(Xss, points, [50, 50, 50, 50, 50])]));
        Services.AddSingleton(TimeProvider.System);
        var cut = RenderInteractive<RulePreviewPanel>(p => p
            .Add(c => c.Spec, new RulePreviewSpec("generation_time", "mean", "above", 30, 300))
            .Add(c => c.Unit, RuleUnit.Seconds)
            .Add(c => c.Id, "preview"));

        cut.Find(".preview-button").Click();

        cut.WaitForAssertion(() => cut.Find(".preview-result").GetAttribute("data-runs").Should().Be("1"));
        cut.Find(".preview-result a").TextContent.Should().Be(Xss);
        cut.FindAll("img").Should().BeEmpty();
        cut.Find(".preview-result").TextContent.Should().Contain("50 s");
    }

    private sealed class FakePreviewReader(IReadOnlyList<PreviewSeries> series) : IRulePreviewReader
    {
        public Task<IReadOnlyList<string>> GetMetricNamesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>(["generation_time"]);

        public Task<(IReadOnlyList<PreviewSeries> Series, bool Truncated)> GetPreviewSeriesAsync(
            string metric, string scope, string? scopeValue, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken ct) =>
            Task.FromResult((series, false));
    }
}
