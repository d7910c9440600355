using Bunit;
using Dashboard.Alerts;
using Dashboard.Security;
using Dashboard.Storage;
using Dashboard.Tests.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Components;

public sealed class AlertsGridTests : PageComponentTest
{
    private IRenderedComponent<AlertsGrid> RenderGrid(AlertTestDb db, Action<ComponentParameterCollectionBuilder<AlertsGrid>>? parameters = null)
    {
        Services.AddSingleton(db.Store);
        Services.AddSingleton<IAlertSink>(db.Sink);
        Services.AddSingleton<TimeProvider>(db.Clock);
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = "None" }));
        return RenderInteractive<AlertsGrid>(p => parameters?.Invoke(p));
    }

    [Fact]
    public async Task Render_FiringAlerts_FirstWithSharesAsPercentAndDuration()
    {
        using var db = new AlertTestDb();
        db.AddPoints("r1", "success_rate", Enumerable.Repeat(0.0, 30));
        await db.EvaluateAsync();
        db.Clock.Advance(TimeSpan.FromMinutes(12));

        var cut = RenderGrid(db);

        var rows = cut.FindAll("#alerts-table tbody tr");
        rows.Should().NotBeEmpty();
        var low = rows.Single(r => r.QuerySelector("[data-rule='low_success_rate']") is not null);
        low.TextContent.Should().Contain("0%").And.Contain("80%").And.Contain("12m").And.Contain("r1");
        cut.Find("#firing-count").TextContent.Should().Be(rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Render_StateFilter_NoMatchSaysSo()
    {
        using var db = new AlertTestDb();
        db.AddPoints("r1", "success_rate", Enumerable.Repeat(0.0, 30));
        await db.EvaluateAsync();

        var cut = RenderGrid(db, p => p.Add(c => c.State, AlertState.Resolved));

        cut.FindAll("#alerts-table [data-rule]").Should().BeEmpty();
        cut.Find(".alert-empty").TextContent.Should().Contain("No alert matches these filters.");
    }

    [Fact]
    public async Task Render_HostileExternalAlert_MessageShownAsText()
    {
        using var db = new AlertTestDb();
        const string xss = "<img src=x onerror=alert(1)>";
        await db.Store.AddExternalAsync(new AlertEntity
        {
            Rule = AlertStore.ExternalPrefix, Run = xss, Severity = AlertSeverity.Info, State = AlertState.Firing, Message = xss,
            StartedAt = Timestamps.ToMicros(db.Clock.GetUtcNow()), UpdatedAt = Timestamps.ToMicros(db.Clock.GetUtcNow()),
        });

        var cut = RenderGrid(db);

        cut.FindAll("img").Should().BeEmpty();
        cut.Find("#alerts-table .message").TextContent.Should().Be(xss);
        cut.FindAll(".alert-resolve").Should().ContainSingle("external alerts are resolved by hand");
    }
}
