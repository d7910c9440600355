using AngleSharp.Html.Parser;
using Dashboard.Components.Shared;
using Dashboard.Runs;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Tests.Components;

public class ComponentRenderTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "<img src=x onerror=alert(1)>";

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> RenderAsync<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return new HtmlParser().ParseDocument(html);
    }

    [Fact]
    public async Task CountTable_HostileAndSlashedNames_RenderAsText()
    {
        var items = new List<NamedCount> { new(Script, 3, 0.75), new("meta-llama/Llama-3.1-8B", 1, 0.25) };

        var doc = await RenderAsync<CountTable>(new() { ["Items"] = items, ["NameHeader"] = "Model" });

        doc.QuerySelectorAll("script").Should().BeEmpty();
        doc.QuerySelectorAll("tbody td.wrap").Select(td => td.TextContent).Should().Equal(Script, "meta-llama/Llama-3.1-8B");
        doc.QuerySelectorAll("tbody tr")[0].TextContent.Should().Contain("75%");
    }

    [Fact]
    public async Task CountTable_Empty_SaysSo()
    {
        var doc = await RenderAsync<CountTable>(new() { ["Items"] = new List<NamedCount>(), ["Empty"] = "No finish_reason recorded in this range." });

        doc.Body!.TextContent.Should().Contain("No finish_reason recorded");
        doc.QuerySelector("table").Should().BeNull();
    }

    [Fact]
    public async Task FeedbackList_QuotesAndMarkup_RenderAsText()
    {
        var feedback = new List<JudgeFeedback>
        {
            new(DateTimeOffset.UnixEpoch, "coherence", 4, "ConversationJudge", "Cites the document, \"mostly\" accurate " + Img),
        };

        var doc = await RenderAsync<FeedbackList>(new() { ["Items"] = feedback });

        doc.QuerySelectorAll("img").Should().BeEmpty();
        doc.QuerySelector("blockquote")!.TextContent.Should().Be("Cites the document, \"mostly\" accurate " + Img);
    }

    [Fact]
    public async Task TokenTable_Models_ShowsFormattedSumsAndShares()
    {
        var report = new TokenUsageReport(
            [new ModelTokenUsage("gpt-4o-mini", 1000, 200, 1200), new ModelTokenUsage("meta-llama/Llama-3.1-8B-Instruct", 300, 100, 400)],
            1300, 300, 1600);

        var doc = await RenderAsync<TokenTable>(new() { ["Tokens"] = report });

        var first = doc.QuerySelectorAll("tbody tr")[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        first.Should().Equal("gpt-4o-mini", "1k", "200", "1.2k", "75%");
        doc.QuerySelector("tfoot")!.TextContent.Should().Contain("1.6k");
    }

    [Fact]
    public async Task RunLogs_HostileMessage_RendersAsText()
    {
        var logs = new List<LogLineResponse> { new(DateTimeOffset.UnixEpoch, "error", Script, null) };

        var doc = await RenderAsync<RunLogs>(new() { ["Logs"] = logs });

        doc.QuerySelectorAll("script").Should().BeEmpty();
        doc.QuerySelector("#logs-body td.wrap")!.TextContent.Should().Be(Script);
        doc.QuerySelector("#logs-empty")!.HasAttribute("hidden").Should().BeTrue();
    }

    [Fact]
    public async Task Percentiles_Seconds_FormatsMillisecondsAndSeconds()
    {
        var stats = MetricStats.From([0.35, 7.463, 1.25]);

        var doc = await RenderAsync<Percentiles>(new() { ["Stats"] = stats });

        doc.Body!.TextContent.Should().Contain("350 ms").And.Contain("7.46 s").And.Contain("count3");
    }
}
