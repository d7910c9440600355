using Bunit;
using Dashboard.Costs;
using Dashboard.Live;
using Dashboard.Security;
using Dashboard.Storage;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Costs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Dashboard.Tests.Components;

/// <summary>The run page's cost and goal sections over in-memory stores: figures, unpriced points, the goal dialog.</summary>
public sealed class CostSectionTests : PageComponentTest
{
    private const string Xss = "<img src=x onerror=alert(1)>";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 30, TimeSpan.Zero);

    private readonly FakeCostReader _reader = new();
    private readonly FakePriceStore _prices = new();
    private readonly FakeGoalStore _goals = new();
    private readonly FakeTimeProvider _clock = new(Now);

    private static long Micros(DateTimeOffset t) => Timestamps.ToMicros(t);

    private IRenderedComponent<RunCostSection> RenderSection()
    {
        Services.AddSingleton<ICostReader>(_reader);
        Services.AddSingleton<IPriceStore>(_prices);
        Services.AddSingleton<IGoalStore>(_goals);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton<CostService>();
        Services.AddSingleton<GoalService>();
        Services.AddSingleton<PageFeed>();
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = "None" }));
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<RunCostSection>(p => p.Add(c => c.Run, "run-1"));
    }

    private IRenderedComponent<MudDialogProvider>? _dialogs;

    private IRenderedComponent<MudDialogProvider> Dialogs => _dialogs!;

    /// <summary>The helper (error) text under the field whose input has this id: "next to the field".</summary>
    private string HelperOf(string inputId) =>
        Dialogs.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent;

    private void PriceMini() => _prices.Prices = [new PriceEntry("gpt-4o-mini", new DateOnly(2026, 1, 1), 0.15, 0.60, null, "USD")];

    /// <summary>n successful generations of 1M prompt + 1M completion tokens on model, a minute apart, ending a minute ago.</summary>
    private void Generations(string model, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var ts = Micros(Now.AddMinutes(-1 - i));
            _reader.Aggregates.Add(new TokenAggregate(1, TokenKind.Prompt, model, ts, 1_000_000, 1));
            _reader.Aggregates.Add(new TokenAggregate(1, TokenKind.Completion, model, ts, 1_000_000, 1));
            _reader.AddPoint(MetricNames.SuccessRate, ts, 1);
        }
        _reader.Run = _reader.Run with { FirstTs = Micros(Now.AddMinutes(-n)), LastTs = Micros(Now.AddMinutes(-1)) };
    }

    [Fact]
    public void Render_PricedAndUnpricedModels_CostAndUnpricedCountNameShownAsText()
    {
        PriceMini();
        Generations("gpt-4o-mini", 4);
        Generations(Xss, 1);

        var cut = RenderSection();

        var cost = cut.Find("[data-stat='cost']");
        cost.TextContent.Should().Contain("3.00 USD", "4 × (0.15 + 0.60) for the priced model only").And.Contain("2 points unpriced");
        cut.Find("#cost-unpriced").TextContent.Should().Contain(Xss);
        cut.Find($"[data-model='{Xss.Replace("'", "\\'", StringComparison.Ordinal)}'] .unpriced").TextContent.Should().Be("no price");
        cut.FindAll("img").Should().BeEmpty();
        cut.Find("[data-stat='cost-per-success']").TextContent.Should().Contain("0.60 USD", "3 USD over 5 successful generations");
        cut.Find("#cost-chart").Should().NotBeNull();
    }

    [Fact]
    public void Render_NothingPriced_SaysNoPriceNeverZero()
    {
        Generations("local-llama", 3);

        var cut = RenderSection();

        var cost = cut.Find("[data-stat='cost']");
        cost.TextContent.Should().Contain("no price").And.Contain("6 points unpriced").And.NotContain("0.00");
        cut.Find("[data-stat='cost-per-success']").TextContent.Should().Contain(Dashboard.Core.Format.Dash);
    }

    [Fact]
    public void Render_AcceptanceThresholdForRun_CostPerAcceptedNamesThresholdAndSource()
    {
        PriceMini();
        Generations("gpt-4o-mini", 4);
        foreach (var (v, i) in new[] { 0.9, 0.5, 0.8, 0.95 }.Select((v, i) => (v, i)))
        {
            _reader.AddPoint("evaluation_score_quality", Micros(Now.AddMinutes(-1 - i)), v);
        }
        _goals.Goals[1] = new RunGoal(null, GoalKind.Samples, null, "quality", 0.8);

        var cut = RenderSection();

        var accepted = cut.Find("[data-stat='cost-per-accepted-quality']");
        accepted.TextContent.Should().Contain("quality ≥ 0.8").And.Contain("1.00 USD").And.Contain("3 accepted").And.Contain("for this run");
    }

    [Fact]
    public void Render_GoalWithTargetAndBudget_ProgressRateEtaAndProjectedCost()
    {
        PriceMini();
        Generations("gpt-4o-mini", 10);
        _goals.Goals[1] = new RunGoal(40, GoalKind.Samples, Micros(Now.AddMinutes(5)), null, null, Budget: 5);

        var cut = RenderSection();

        cut.Find("#goal-progress").GetAttribute("data-done").Should().Be("10");
        cut.Find("#goal-percent").TextContent.Should().Be("25%");
        cut.Find("#goal-rate").TextContent.Should().StartWith("0.9/min", "9 of the 10 fall in the 10 whole minutes counted back from now").And.Contain("95%");
        cut.Find("#goal-eta").TextContent.Should().Contain("between");
        cut.Find("#goal-late").TextContent.Should().Contain("after the deadline", "30 left at 1/min is past a deadline 5 minutes away");
        cut.Find("#goal-projected").TextContent.Should().Contain("30.00 USD").And.Contain("budget 5.00 USD");
        cut.Find("#goal-over-budget").Should().NotBeNull();
    }

    [Fact]
    public void GoalDialog_BadFields_ErrorsInWordsNextToFieldsNothingSaved()
    {
        Generations("gpt-4o-mini", 2);
        var cut = RenderSection();

        cut.Find("#goal-edit").Click();
        Dialogs.WaitForElement("#goal-target").Change("1.5");
        Dialogs.Find("#goal-deadline-input").Change("tomorrow");
        Dialogs.Find("#goal-budget").Change("-3");
        Dialogs.Find("#goal-save").Click();

        Dialogs.WaitForAssertion(() => HelperOf("goal-target").Should().Contain("'target' must be a whole number"));
        Dialogs.WaitForAssertion(() => HelperOf("goal-deadline-input").Should().Contain("'deadline' must be ISO-8601"));
        Dialogs.WaitForAssertion(() => HelperOf("goal-budget").Should().Contain("'budget' must be a number of at least 0"));
        _goals.Goals.Should().BeEmpty();
    }

    [Fact]
    public void GoalDialog_ValidGoal_SavedAndShown()
    {
        Generations("gpt-4o-mini", 2);
        var cut = RenderSection();
        cut.Find("#goal-none").Should().NotBeNull();

        cut.Find("#goal-edit").Click();
        // The dialog renders and the save runs (it reads the run first) asynchronously: a loaded machine showed both late.
        Dialogs.WaitForElement("#goal-target").Change("100");
        Dialogs.Find("#goal-deadline-input").Change("2026-06-02T00:00:00Z");
        Dialogs.Find("#goal-save").Click();

        cut.WaitForAssertion(() => _goals.Goals.Should().ContainKey(1));
        _goals.Goals[1].Should().Be(new RunGoal(100, GoalKind.Samples, Micros(new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero)), null, null));
        cut.WaitForAssertion(() => cut.Find("#goal-progress").GetAttribute("data-target").Should().Be("100"));
        cut.Find("#goal-deadline").TextContent.Should().Contain("2026-06-02 00:00:00 UTC");
    }
}
