using Dashboard.Alerts;
using Dashboard.Alerts.Settings;

namespace Dashboard.Tests.Alerts.Settings;

public sealed class SettingsDraftTests
{
    [Fact]
    public void New_StoredSettings_ShownInPageUnits()
    {
        var draft = new SettingsDraft(AlertSettings.CreateDefault(60));

        draft.Text("interval_seconds").Should().Be("1m");
        draft.Text("rules.low_success_rate.threshold").Should().Be("80");
        draft.Text("rules.high_generation_time.window_seconds").Should().Be("5m");
        draft.Text("rules.high_generation_time.threshold").Should().Be("30");
    }

    [Fact]
    public void BuildRules_TypedValues_StoredInDocumentUnits()
    {
        var draft = new SettingsDraft(AlertSettings.CreateDefault(60));
        draft.Texts["interval_seconds"] = "10s";
        draft.Texts["rules.low_success_rate.threshold"] = "70 %";
        draft.Texts["rules.high_generation_time.window_seconds"] = "1h30m";
        draft.Enabled[BuiltInRules.TotalTokens] = false;

        var built = draft.BuildRules();

        built.Should().NotBeNull(string.Join("; ", draft.Errors.Select(e => $"{e.Key}: {e.Value}")));
        built!.IntervalSeconds.Should().Be(10);
        built.Rules[BuiltInRules.LowSuccessRate].Threshold.Should().BeApproximately(0.7, 1e-12);
        built.Rules[BuiltInRules.HighGenerationTime].WindowSeconds.Should().Be(5400);
        built.Rules[BuiltInRules.TotalTokens].Enabled.Should().BeFalse();
    }

    [Fact]
    public void BuildRules_BadValues_ErrorsInWordsOnTheirFields()
    {
        var draft = new SettingsDraft(AlertSettings.CreateDefault(60));
        draft.Texts["rules.low_success_rate.threshold"] = "abc";
        draft.Texts["rules.high_generation_time.window_seconds"] = "ten minutes";
        draft.Texts["interval_seconds"] = "2d";

        draft.BuildRules().Should().BeNull();

        draft.Error("rules.low_success_rate.threshold").Should().Be("'abc' is not a number.");
        draft.Error("rules.high_generation_time.window_seconds").Should().Contain("not a duration").And.Contain("5m");
        draft.Error("interval_seconds").Should().Be("The interval must be between 1s and 1d.");
        draft.Errors.Values.Should().NotContain(m => m.Contains("rules.") || m.Contains("_seconds"));
    }

    [Fact]
    public void BuildWithNewCustomRule_UnknownAggregate_NamedAsTheFormField()
    {
        var draft = new SettingsDraft(AlertSettings.CreateDefault(60));
        draft.Texts["new_rule.name"] = "p95-latency";
        draft.Texts["new_rule.metric"] = "latency";
        draft.Texts["new_rule.aggregate"] = "median";
        draft.Texts["new_rule.threshold"] = "-2.5";

        draft.BuildWithNewCustomRule().Should().BeNull();
        draft.Errors.Keys.Should().Equal("new_rule.aggregate");

        draft.Texts["new_rule.aggregate"] = "p95";
        var built = draft.BuildWithNewCustomRule();
        built!.CustomRules.Should().ContainSingle().Which.Threshold.Should().Be(-2.5);
    }
}
