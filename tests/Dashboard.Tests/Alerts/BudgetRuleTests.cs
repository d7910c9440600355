using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>Budget rules over the figures the Costs feature reports, at their boundaries, with the shipped defaults.</summary>
public sealed class BudgetRuleTests
{
    private static BudgetGoal Goal(long done, double? projected = null, double? budget = null, bool? late = null) =>
        new("g", "p", done, projected, budget, "USD", DateTimeOffset.UnixEpoch.AddDays(2), DateTimeOffset.UnixEpoch.AddDays(1), late);

    [Fact]
    public async Task Evaluate_RunSpend_StrictlyAboveThresholdOverItsWindow()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.RunSpend].Enabled = true);
        db.Budgets.Spend.Add(new BudgetSpend("at", "p", "USD", 100, 0));
        db.Budgets.Spend.Add(new BudgetSpend("over", "p", "USD", 100.01, 3));
        db.Budgets.Spend.Add(new BudgetSpend("unpriced", "p", null, null, 50));

        await db.EvaluateAsync();

        db.Alerts().Should().ContainSingle(a => a.Rule == BuiltInRules.RunSpend).Which.Run.Should().Be("over");
        var window = db.Budgets.LastWindow!.Value;
        (window.To - window.From).Should().Be(86_400_000_000L, "the default window is a day");
        var message = (await db.Store.GetAsync("over", null, null, 10)).Single().Message;
        message.Should().Contain("100.01 USD").And.Contain("3 token points unpriced");
    }

    [Fact]
    public async Task Evaluate_ProjectSpend_SumsRunsPerProject()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s =>
        {
            s.Rules[BuiltInRules.ProjectSpend].Enabled = true;
            s.Rules[BuiltInRules.ProjectSpend].Threshold = 100;
        });
        db.Budgets.Spend.AddRange([new("a", "big", "USD", 60, 0), new("b", "big", "USD", 50, 0), new("c", "small", "USD", 90, 0)]);

        await db.EvaluateAsync();

        db.Alerts().Should().ContainSingle().Which.Should().Be(($"{BuiltInRules.ProjectSpend}:big", (string?)null, AlertState.Firing, AlertSeverity.Warning));
    }

    [Fact]
    public async Task Evaluate_ProjectedCostOverGoalBudget_FiresFromMinSamples()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        db.Budgets.Goals.Add(Goal(done: 19, projected: 12, budget: 10));

        await db.EvaluateAsync();
        var at19 = db.Alerts().ToList();
        db.Budgets.Goals[0] = Goal(done: 20, projected: 10, budget: 10);
        await db.EvaluateAsync();
        var atBudget = db.Alerts().ToList();
        db.Budgets.Goals[0] = Goal(done: 20, projected: 10.5, budget: 10);
        await db.EvaluateAsync();

        at19.Should().BeEmpty("19 samples are too few to project from");
        atBudget.Should().BeEmpty("the comparison is strict");
        db.Alerts().Should().ContainSingle().Which.Rule.Should().Be(BuiltInRules.ProjectedCost);
    }

    [Fact]
    public async Task Evaluate_EtaPastDeadline_FiresOnlyWhenLate()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        db.Budgets.Goals.Add(Goal(done: 50, late: false));
        db.Budgets.Goals.Add(Goal(done: 50, late: null) with { Run = "unknown" });
        db.Budgets.Goals.Add(Goal(done: 50, late: true) with { Run = "late" });

        await db.EvaluateAsync();

        db.Alerts().Should().ContainSingle().Which.Should().Be((BuiltInRules.EtaPastDeadline, "late", AlertState.Firing, AlertSeverity.Warning));
    }
}
