using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>min_samples, for, keep_firing_for and run_stalled at their boundaries, on the fake clock, with the shipped defaults.</summary>
public sealed class AlertLifecycleTests
{
    private static IEnumerable<double> Failures(int n) => Enumerable.Repeat(0.0, n);

    private static IEnumerable<double> Successes(int n) => Enumerable.Repeat(1.0, n);

    [Fact]
    public async Task Evaluate_FourGenerationsOneFailed_StaysInactive()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        db.AddPoints("tiny", "success_rate", [1, 1, 1, 0]);

        var changes = await db.EvaluateAsync();

        changes.Should().BeEmpty("4 generations are below the default minimum of 20");
        db.Alerts().Should().BeEmpty();
    }

    [Fact]
    public async Task Evaluate_MinSamples_InactiveAtNineteenFiresAtTwenty()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);

        db.AddPoints("r", "success_rate", Failures(19));
        await db.EvaluateAsync();
        var at19 = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        db.AddPoints("r", "success_rate", Failures(1));
        await db.EvaluateAsync();

        at19.Should().BeEmpty();
        db.Alerts().Select(a => (a.Rule, a.State)).Should().BeEquivalentTo(new[]
        {
            (BuiltInRules.LowSuccessRate, AlertState.Firing), (BuiltInRules.HighErrorRate, AlertState.Firing),
        });
    }

    [Fact]
    public async Task Evaluate_MinSamplesPerRule_IsConfigurable()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.LowSuccessRate].MinSamples = 3);
        db.AddPoints("r", "success_rate", Failures(3));

        await db.EvaluateAsync();

        db.Alerts().Select(a => a.Rule).Should().Equal(BuiltInRules.LowSuccessRate);
    }

    [Fact]
    public async Task Evaluate_ForSeconds_PendingUntilBoundaryThenFiring()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.HighErrorRate].ForSeconds = 30);
        db.AddPoints("r", "success_rate", Failures(20));

        await db.EvaluateAsync();
        var first = State(db, BuiltInRules.HighErrorRate);
        db.Clock.Advance(TimeSpan.FromSeconds(29));
        await db.EvaluateAsync();
        var at29 = State(db, BuiltInRules.HighErrorRate);
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        await db.EvaluateAsync();

        first.Should().Be(AlertState.Pending);
        at29.Should().Be(AlertState.Pending);
        State(db, BuiltInRules.HighErrorRate).Should().Be(AlertState.Firing);
    }

    [Fact]
    public async Task Evaluate_KeepFiringFor_StaysFiringUntilBoundaryThenResolves()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        db.AddPoints("r", "success_rate", Failures(20));
        await db.EvaluateAsync();

        db.Clock.Advance(TimeSpan.FromSeconds(10));
        db.AddPoints("r", "success_rate", Successes(200));
        await db.EvaluateAsync();
        var cleared = State(db, BuiltInRules.LowSuccessRate);
        // keep_firing_for counts from the last evaluation at which the condition held (10 s before the clear).
        db.Clock.Advance(TimeSpan.FromSeconds(RuleDefaults.KeepFiringForSeconds - 10 - 1));
        await db.EvaluateAsync();
        var beforeBoundary = State(db, BuiltInRules.LowSuccessRate);
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        await db.EvaluateAsync();

        cleared.Should().Be(AlertState.Firing);
        beforeBoundary.Should().Be(AlertState.Firing);
        State(db, BuiltInRules.LowSuccessRate).Should().Be(AlertState.Resolved);
        db.Sink.Changes.Count(c => c.Notify && c.Alert.Rule == BuiltInRules.LowSuccessRate).Should().Be(2, "one fire, one resolve");
    }

    [Fact]
    public async Task Evaluate_FlappingCondition_OneAlertOneFire()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s =>
        {
            s.Rules[BuiltInRules.HighErrorRate].Enabled = false;
            s.Rules[BuiltInRules.LowSuccessRate].WindowSeconds = 20;
        });

        for (var i = 0; i < 4; i++)
        {
            db.AddPoints("flappy", "success_rate", Failures(40));
            await db.EvaluateAsync();
            db.Clock.Advance(TimeSpan.FromSeconds(30));
            db.AddPoints("flappy", "success_rate", Successes(40));
            await db.EvaluateAsync();
            db.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        db.Alerts().Should().ContainSingle().Which.State.Should().Be(AlertState.Firing);
        db.Sink.Changes.Count(c => c.Notify).Should().Be(1);
    }

    [Fact]
    public async Task Evaluate_RunStalled_FiresAtWindowAndResolvesWhenDataReturns()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.RunStalled].KeepFiringForSeconds = 0);
        db.AddPoints("live", "success_rate", Successes(20));
        db.AddPoints("test", "success_rate", Successes(19));

        db.Clock.Advance(TimeSpan.FromSeconds(599));
        await db.EvaluateAsync();
        var before = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        await db.EvaluateAsync();
        var stalled = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(5));
        db.AddPoints("live", "success_rate", Successes(1));
        await db.EvaluateAsync();

        before.Should().BeEmpty();
        stalled.Should().ContainSingle().Which.Should().Be((BuiltInRules.RunStalled, "live", AlertState.Firing, AlertSeverity.Warning));
        db.Alerts().Should().ContainSingle().Which.State.Should().Be(AlertState.Resolved);
    }

    [Fact]
    public async Task Evaluate_RunSilentPastLookback_CountsAsFinished()
    {
        using var db = new AlertTestDb(lifecycleDefaults: true);
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.RunStalled].KeepFiringForSeconds = 0);
        db.AddPoints("done", "success_rate", Successes(20));

        db.Clock.Advance(TimeSpan.FromSeconds(600) + BuiltInRules.StalledLookback);
        await db.EvaluateAsync();
        var atEdge = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        await db.EvaluateAsync();

        atEdge.Should().ContainSingle().Which.State.Should().Be(AlertState.Firing);
        db.Alerts().Should().ContainSingle().Which.State.Should().Be(AlertState.Resolved);
    }

    private static string State(AlertTestDb db, string rule) => db.Alerts().Single(a => a.Rule == rule).State;
}
