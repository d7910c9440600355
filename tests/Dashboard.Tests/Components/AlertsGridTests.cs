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
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private IRenderedComponent<MudBlazor.MudDialogProvider>? _dialogs;

    private IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs => _dialogs!;

    private IRenderedComponent<AlertsGrid> RenderGrid(AlertTestDb db, Action<ComponentParameterCollectionBuilder<AlertsGrid>>? parameters = null)
    {
        Services.AddSingleton(db.Store);
        Services.AddSingleton(db.Silences);
        Services.AddSingleton<IAlertSink>(db.Sink);
        Services.AddSingleton<TimeProvider>(db.Clock);
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = "None" }));
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        Render<MudBlazor.MudPopoverProvider>();
        _dialogs = Render<MudBlazor.MudDialogProvider>();
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

    private static async Task<AlertTestDb> FiringDbAsync()
    {
        var db = new AlertTestDb();
        db.AddPoints("r1", "success_rate", Enumerable.Repeat(0.0, 30));
        await db.EvaluateAsync();
        return db;
    }

    [Fact]
    public async Task Acknowledge_FiringAlert_MarkedAcknowledgedAndNotNotified()
    {
        using var db = await FiringDbAsync();
        var cut = RenderGrid(db);
        var before = db.Sink.Changes.Count;

        await cut.Find("tr:has([data-rule='low_success_rate']) .alert-ack").ClickAsync(new());

        var stored = (await db.Store.GetAsync("r1", null, null, 10)).Single(a => a.Rule == "low_success_rate");
        stored.AcknowledgedAt.Should().NotBeNull();
        db.Sink.Changes.Skip(before).Should().ContainSingle().Which.Notify.Should().BeFalse("an acknowledgement notifies nobody");
    }

    [Fact]
    public async Task SilenceDialog_NoReasonAndBadDuration_ErrorsNextToFieldsNothingStored()
    {
        using var db = await FiringDbAsync();
        var cut = RenderGrid(db);

        cut.Find("tr:has([data-rule='low_success_rate']) .alert-silence").Click();
        Dialogs.Find("#silence-duration").Change("soon");
        await Dialogs.Find("#silence-save").ClickAsync(new());

        Dialogs.WaitForAssertion(() => HelperOf("silence-duration").Should().Contain("duration must be a number and a unit", Dialogs.Markup), Patience);
        Dialogs.Find("#silence-duration").Change("1h");
        await Dialogs.Find("#silence-save").ClickAsync(new());
        Dialogs.WaitForAssertion(() => HelperOf("silence-reason").Should().Contain("reason must be a string"), Patience);
        (await db.Silences.GetAsync(null)).Should().BeEmpty();
    }

    [Fact]
    public async Task SilenceDialog_ByRunWithHostileReason_RowsMarkedSilencedReasonShownAsTextThenExpired()
    {
        using var db = await FiringDbAsync();
        const string xss = "<script>alert(1)</script> load test";
        var cut = RenderGrid(db);

        cut.Find("tr:has([data-rule='low_success_rate']) .alert-silence").Click();
        var radios = Dialogs.FindAll("#silence-by input[type='radio']");
        radios.Should().HaveCount(4, Dialogs.Find("#silence-by").OuterHtml);
        radios[1].Click();
        Dialogs.Find("#silence-reason").Change(xss);
        await Dialogs.Find("#silence-save").ClickAsync(new());

        var silence = (await db.Silences.GetAsync(Silence.Active)).Should().ContainSingle().Subject;
        silence.Run.Should().Be("r1");
        silence.Rule.Should().BeNull();
        // bUnit waits 1 s by default: too short when four helpers share two cores (this failed once under load).
        cut.WaitForAssertion(() => cut.FindAll("#alerts-table [data-silenced]").Should().HaveCount(cut.FindAll("#alerts-table [data-state='firing']").Count),
            Patience);
        cut.WaitForAssertion(() => cut.Find(".silence-reason").TextContent.Should().Be(xss), Patience);
        cut.FindAll("script").Should().BeEmpty();
        cut.FindAll(".alert-silence").Should().BeEmpty("a silenced alert offers no second silence");

        await cut.Find(".silence-expire").ClickAsync(new());

        (await db.Silences.GetAsync(Silence.Active)).Should().BeEmpty();
        cut.WaitForAssertion(() => cut.FindAll("#alerts-table [data-silenced]").Should().BeEmpty(), Patience);
        cut.WaitForAssertion(() => cut.Find("#silences-empty").Should().NotBeNull(), Patience);
    }

    private string HelperOf(string inputId) =>
        Dialogs.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent;
}
