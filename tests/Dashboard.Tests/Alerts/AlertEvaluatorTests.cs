using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

public sealed class AlertEvaluatorTests
{
    private static readonly TimeSpan NextWindow = TimeSpan.FromSeconds(301);

    public static TheoryData<string, string, double[], double[]> Boundaries => new()
    {
        { BuiltInRules.LowSuccessRate, "success_rate", [1, 1, 1, 1, 0], [1, 1, 1, 0] },
        { BuiltInRules.HighErrorRate, "success_rate", [1, 1, 1, 1, 0], [1, 1, 0] },
        { BuiltInRules.HighGenerationTime, "generation_time", [30], [30.001] },
        { BuiltInRules.PromptTokens, "prompt_token_count", [4096], [4097] },
        { BuiltInRules.CompletionTokens, "completion_token_count", [4096], [4097] },
        { BuiltInRules.TotalTokens, "total_token_count", [8192], [8193] },
        { BuiltInRules.LongConversations, "conversation_length", [20], [21] },
        { BuiltInRules.ShortConversations, "conversation_length", [2], [1.5] },
        { BuiltInRules.PredictionTime, "prediction_processing_time", [5], [5.5] },
        { BuiltInRules.PredictionConfidence, "prediction_confidence", [0.6], [0.59] },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public async Task Evaluate_BuiltInRule_FiresPastBoundaryAndResolvesAtIt(string rule, string metric, double[] atBoundary, double[] past)
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.LongConversations].Enabled = true);

        db.AddPoints("r1", metric, atBoundary);
        await db.EvaluateAsync();
        var atFirst = db.Alerts().Where(a => a.Rule == rule).ToList();
        db.Clock.Advance(NextWindow);
        db.AddPoints("r1", metric, past);
        await db.EvaluateAsync();
        var afterPast = db.Alerts().Where(a => a.Rule == rule).ToList();
        db.Clock.Advance(NextWindow);
        db.AddPoints("r1", metric, atBoundary);
        await db.EvaluateAsync();
        var afterBack = db.Alerts().Where(a => a.Rule == rule).ToList();

        atFirst.Should().BeEmpty("the comparison is strict");
        afterPast.Should().ContainSingle().Which.Should().Be((rule, "r1", AlertState.Firing, BuiltInRules.Get(rule).Severity));
        afterBack.Should().ContainSingle().Which.State.Should().Be(AlertState.Resolved);
    }

    [Fact]
    public async Task Evaluate_PredictionErrorRate_FiresPastFivePercentAndIsCriticalPastTen()
    {
        using var db = new AlertTestDb();

        db.AddPoints("p", "prediction_confidence", Enumerable.Repeat(0.9, 19));
        db.AddPoints("p", "prediction_error", [1]);
        await db.EvaluateAsync();
        var atBoundary = db.Alerts().Where(a => a.Rule == BuiltInRules.PredictionErrorRate).ToList();
        db.Clock.Advance(NextWindow);
        db.AddPoints("p", "prediction_confidence", Enumerable.Repeat(0.9, 18));
        db.AddPoints("p", "prediction_error", [1]);
        await db.EvaluateAsync();
        var warning = db.Alerts().Single(a => a.Rule == BuiltInRules.PredictionErrorRate);
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        db.AddPoints("p", "prediction_error", [1, 1]);
        await db.EvaluateAsync();
        var critical = db.Alerts().Single(a => a.Rule == BuiltInRules.PredictionErrorRate);

        atBoundary.Should().BeEmpty();
        warning.Severity.Should().Be(AlertSeverity.Warning);
        critical.Severity.Should().Be(AlertSeverity.Critical);
        critical.State.Should().Be(AlertState.Firing);
    }

    [Fact]
    public async Task Evaluate_PredictionTimePastCritical_IsCritical()
    {
        using var db = new AlertTestDb();
        db.AddPoints("p", "prediction_processing_time", [10.5]);

        await db.EvaluateAsync();

        db.Alerts().Should().ContainSingle(a => a.Rule == BuiltInRules.PredictionTime).Which.Severity.Should().Be(AlertSeverity.Critical);
    }

    [Fact]
    public async Task Evaluate_AnomalyScore_FiresForLowConfidenceAndOneLabel()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.PredictionConfidence].Enabled = false);
        db.AddPoints("p", "prediction_confidence", [0.9, 0.9], """{"label":"a"}""");
        db.AddPoints("q", "prediction_confidence", [0.9, 0.5], """{"label":"a"}""");
        db.AddPoints("q", "prediction_processing_time", [1, 1]);

        await db.EvaluateAsync();

        // p: (0 + 0 + 0.5) / 3 = 0.167; q: (0.5 + 0 + 0.5) / 3 = 0.333 > 0.3.
        db.Alerts().Where(a => a.Rule == BuiltInRules.PredictionAnomaly).Select(a => a.Run).Should().Equal("q");
    }

    [Fact]
    public async Task Evaluate_NoDataInWindow_NoAlert()
    {
        using var db = new AlertTestDb();
        db.AddPoints("old", "success_rate", [0, 0, 0]);
        db.Clock.Advance(NextWindow);

        var changes = await db.EvaluateAsync();

        changes.Should().BeEmpty();
        db.Alerts().Should().BeEmpty();
    }

    [Fact]
    public async Task Evaluate_ConditionHeld_StaysOneAlertAcrossEvaluations()
    {
        using var db = new AlertTestDb();
        db.AddPoints("r", "success_rate", [0, 0]);

        var first = await db.EvaluateAsync();
        for (var i = 0; i < 4; i++)
        {
            db.Clock.Advance(TimeSpan.FromSeconds(10));
            (await db.EvaluateAsync()).Should().BeEmpty();
        }

        first.Should().Contain(c => c.Alert.Rule == BuiltInRules.LowSuccessRate && c.Notify);
        db.Alerts().Where(a => a.Rule == BuiltInRules.LowSuccessRate).Should().ContainSingle();
    }

    [Fact]
    public async Task Evaluate_ForDuration_PendingUntilItPassesThenFiring()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.LowSuccessRate].ForSeconds = 60);
        db.AddPoints("r", "success_rate", [0]);

        await db.EvaluateAsync();
        var first = db.Alerts().Single(a => a.Rule == BuiltInRules.LowSuccessRate).State;
        db.Clock.Advance(TimeSpan.FromSeconds(59));
        await db.EvaluateAsync();
        var at59 = db.Alerts().Single(a => a.Rule == BuiltInRules.LowSuccessRate).State;
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        await db.EvaluateAsync();
        var at60 = db.Alerts().Single(a => a.Rule == BuiltInRules.LowSuccessRate).State;

        first.Should().Be(AlertState.Pending);
        at59.Should().Be(AlertState.Pending);
        at60.Should().Be(AlertState.Firing);
        db.Sink.Changes.Count(c => c.Notify && c.Alert.Rule == BuiltInRules.LowSuccessRate).Should().Be(1, "webhooks hear of it once it fires");
    }

    [Fact]
    public async Task Evaluate_PendingConditionClears_AlertDropped()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.LowSuccessRate].ForSeconds = 60);
        db.AddPoints("r", "success_rate", [0]);
        await db.EvaluateAsync();

        db.Clock.Advance(NextWindow);
        var changes = await db.EvaluateAsync();

        db.Alerts().Should().NotContain(a => a.Rule == BuiltInRules.LowSuccessRate);
        changes.Should().ContainSingle(c => c.Alert.Rule == BuiltInRules.LowSuccessRate).Which.Alert.State.Should().Be(AlertState.Inactive);
    }

    [Fact]
    public async Task Evaluate_DisabledRule_DoesNotFire()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.LowSuccessRate].Enabled = false);
        db.AddPoints("r", "success_rate", [0]);

        await db.EvaluateAsync();

        db.Alerts().Select(a => a.Rule).Should().NotContain(BuiltInRules.LowSuccessRate).And.Contain(BuiltInRules.HighErrorRate);
    }

    [Fact]
    public async Task Evaluate_PipelineOverBaseline_WarnsAbove20Percent()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Baselines.Add(new PipelineBaseline { Pipeline = "etl", Seconds = 10 }));

        db.AddPoints("r", "pipeline_execution_time", [12], """{"pipeline":"etl"}""");
        await db.EvaluateAsync();
        var atLimit = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        db.AddPoints("r", "pipeline_execution_time", [12.5], """{"pipeline":"etl"}""");
        await db.EvaluateAsync();

        atLimit.Should().BeEmpty();
        db.Alerts().Should().ContainSingle().Which.Should().Be(("pipeline_performance:etl", "r", AlertState.Firing, AlertSeverity.Warning));
    }

    [Fact]
    public async Task Evaluate_PipelineErrorRate_NeedsThreeExecutionsAndFiresAbove30Percent()
    {
        using var db = new AlertTestDb();

        db.AddPoints("r", "pipeline_success", [0, 0], """{"pipeline":"etl"}""");
        await db.EvaluateAsync();
        var twoExecutions = db.Alerts().ToList();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        db.AddPoints("r", "pipeline_success", [1], """{"pipeline":"etl"}""");
        await db.EvaluateAsync();

        twoExecutions.Should().BeEmpty();
        db.Alerts().Should().ContainSingle().Which.Should().Be(("pipeline_error_rate:etl", "r", AlertState.Firing, AlertSeverity.Error));
    }

    [Fact]
    public async Task Evaluate_CustomRuleScopedToProject_FiresOnlyThere()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.CustomRules.Add(new CustomRule
        {
            Name = "slow-p90", Metric = "latency", Aggregate = "p90", Comparison = "above", Threshold = 100,
            Scope = "project", ScopeValue = "prod", Severity = AlertSeverity.Critical, MinSamples = 4,
        }));
        db.AddPoints("a", "latency", [10, 20, 500, 600], project: "prod");
        db.AddPoints("b", "latency", [10, 20, 500, 600], project: "dev");

        await db.EvaluateAsync();

        db.Alerts().Should().ContainSingle().Which.Should().Be(("custom:slow-p90", "a", AlertState.Firing, AlertSeverity.Critical));
    }

    [Fact]
    public async Task Evaluate_HistoryCappedPerRun_OldestResolvedDropped()
    {
        using var db = new AlertTestDb(maxAlertsPerRun: 2);
        for (var i = 0; i < 4; i++)
        {
            db.AddPoints("r", "generation_time", [100]);
            await db.EvaluateAsync();
            db.Clock.Advance(NextWindow);
            await db.EvaluateAsync();
        }

        db.Alerts().Should().HaveCount(2);
    }
}
