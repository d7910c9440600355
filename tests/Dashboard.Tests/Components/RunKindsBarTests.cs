using AngleSharp.Html.Parser;
using Dashboard.Components.Shared;
using Dashboard.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Tests.Components;

public sealed class RunKindsBarTests
{
    private const long Minute = 60_000_000;

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> RenderAsync(RunPageState state, string run)
    {
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<RunKindsBar>(
            ParameterView.FromDictionary(new Dictionary<string, object?> { ["State"] = state, ["Run"] = run }))).ToHtmlString());
        return new HtmlParser().ParseDocument(html);
    }

    [Fact]
    public async Task Render_CountsAndLabels_SeparatedBySpace()
    {
        var state = new RunPageState(0, 10 * Minute, Minute);
        for (var i = 0; i < 6; i++)
        {
            state.AddPoint(MetricNames.SuccessRate, Minute + i, 1);
        }
        state.AddPoint(MetricNames.PredictionConfidence, Minute, 0.9);

        var doc = await RenderAsync(state, "clf <b>");

        doc.QuerySelector("[data-kind='generations']")!.TextContent.Trim().Should().Be("6 generations");
        doc.QuerySelector("[data-kind='predictions']")!.TextContent.Trim().Should().Be("1 prediction →");
        doc.QuerySelector("[data-kind='predictions'] a")!.GetAttribute("href").Should().Be("predictions?run=clf%20%3Cb%3E");
    }
}
