using AngleSharp.Html.Parser;
using Dashboard.Alerts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Tests.Alerts;

public sealed class AlertFeedTests
{
    [Fact]
    public async Task Render_WithRun_ShowsOnlyThatRunsAlertsInsideTheFeedSection()
    {
        using var db = new AlertTestDb();
        db.AddPoints("r1", "success_rate", [0]);
        db.AddPoints("r2", "generation_time", [100]);
        await db.EvaluateAsync();

        var html = await RenderAsync(db, "r1");

        var doc = new HtmlParser().ParseDocument(html);
        var feed = doc.QuerySelector("section#alert-feed")!;
        feed.GetAttribute("data-run").Should().Be("r1");
        feed.QuerySelectorAll("tbody tr").Select(r => r.GetAttribute("data-rule"))
            .Should().BeEquivalentTo(BuiltInRules.LowSuccessRate, BuiltInRules.HighErrorRate);
        feed.QuerySelectorAll("tbody tr").Should().OnlyContain(r => r.GetAttribute("data-state") == AlertState.Firing);
        doc.QuerySelectorAll("script[type=module]").Select(s => s.GetAttribute("src")).Should().Contain("js/alerts.js");
        feed.QuerySelector(".alert-empty")!.HasAttribute("hidden").Should().BeTrue();
    }

    [Fact]
    public async Task Render_NoAlerts_SaysSo()
    {
        using var db = new AlertTestDb();

        var html = await RenderAsync(db, null);

        var feed = new HtmlParser().ParseDocument(html).QuerySelector("section#alert-feed")!;
        feed.HasAttribute("data-run").Should().BeFalse();
        feed.QuerySelector(".alert-empty")!.HasAttribute("hidden").Should().BeFalse();
    }

    private static async Task<string> RenderAsync(AlertTestDb db, string? run)
    {
        await using var renderer = new HtmlRenderer(db.Services, db.Services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<AlertFeed>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Run"] = run }));
            return output.ToHtmlString();
        });
    }
}
