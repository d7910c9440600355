using AngleSharp.Html.Parser;
using Dashboard.Components.Shared;
using Dashboard.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Tests.Components;

public sealed class RunHeadlineTests
{
    private const long Minute = 60_000_000;

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> RenderAsync(RunPageState state, bool showGenerations)
    {
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<RunHeadline>(
            ParameterView.FromDictionary(new Dictionary<string, object?> { ["State"] = state, ["ShowGenerations"] = showGenerations }))).ToHtmlString());
        return new HtmlParser().ParseDocument(html);
    }

    private static string Value(AngleSharp.Html.Dom.IHtmlDocument doc, string key) =>
        doc.QuerySelector($"[data-stat='{key}'] .stat-value")!.TextContent.Trim();

    [Fact]
    public async Task Render_ClassifierRun_PredictionFiguresAndNoGenerationZeros()
    {
        var state = new RunPageState(long.MinValue, long.MaxValue, Minute);
        state.AddPoint(MetricNames.PredictionConfidence, Minute, 0.9);
        state.AddPoint(MetricNames.PredictionConfidence, 2 * Minute, 0.7);
        state.AddPoint(MetricNames.PredictionError, 3 * Minute, 1);

        var doc = await RenderAsync(state, showGenerations: false);

        doc.QuerySelectorAll("[data-stat]").Select(e => e.GetAttribute("data-stat")).Should().Equal("predictions", "mean-confidence");
        Value(doc, "predictions").Should().Be("2");
        Value(doc, "mean-confidence").Should().Be("80%");
        doc.QuerySelector("[data-stat='predictions'] .stat-hint")!.TextContent.Should().Contain("1 errors").And.Contain("33.3%");
    }

    [Fact]
    public async Task Render_PipelineRun_ExecutionsAndFailureShare()
    {
        var state = new RunPageState(long.MinValue, long.MaxValue, Minute);
        foreach (var (t, ok) in new[] { (1, 1.0), (2, 0.0), (3, 1.0), (4, 1.0) })
        {
            state.AddPoint(MetricNames.PipelineExecutionTime, t * Minute, 2.5);
            state.AddPoint(MetricNames.PipelineSuccess, t * Minute, ok);
        }

        var doc = await RenderAsync(state, showGenerations: false);

        doc.QuerySelectorAll("[data-stat]").Select(e => e.GetAttribute("data-stat")).Should().Equal("executions", "pipeline-failure-share");
        Value(doc, "executions").Should().Be("4");
        Value(doc, "pipeline-failure-share").Should().Be("25%");
    }

    [Fact]
    public async Task Render_GenerationRun_GenerationFigures()
    {
        var state = new RunPageState(long.MinValue, long.MaxValue, Minute);
        state.AddPoint(MetricNames.SuccessRate, Minute, 0);
        state.AddPoint(MetricNames.SuccessRate, 2 * Minute, 1);

        var doc = await RenderAsync(state, showGenerations: true);

        Value(doc, "generations").Should().Be("2");
        Value(doc, "failure-share").Should().Be("50%");
        doc.QuerySelector("[data-stat='predictions']").Should().BeNull();
    }
}
