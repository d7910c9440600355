using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

public sealed class AlertSettingsValidatorTests
{
    private static AlertSettings Defaults() => AlertSettings.CreateDefault(60);

    [Fact]
    public void Validate_Defaults_NoErrors() => AlertSettingsValidator.Validate(Defaults()).Should().BeEmpty();

    [Fact]
    public void Validate_NegativeWindow_NamesField()
    {
        var s = Defaults();
        s.Rules[BuiltInRules.HighGenerationTime].WindowSeconds = -5;

        AlertSettingsValidator.Validate(s).Select(e => e.Field).Should().Equal("rules.high_generation_time.window_seconds");
    }

    [Fact]
    public void Validate_MinimumAboveMaximum_NamesField()
    {
        var s = Defaults();
        s.Rules[BuiltInRules.LongConversations].Enabled = true;
        s.Rules[BuiltInRules.LongConversations].Threshold = 3;
        s.Rules[BuiltInRules.ShortConversations].Threshold = 4;

        AlertSettingsValidator.Validate(s).Select(e => e.Field).Should().Equal("rules.short_conversations.threshold");
    }

    [Fact]
    public void Validate_UnknownAggregate_NamesField()
    {
        var s = Defaults();
        s.CustomRules.Add(new CustomRule { Name = "x", Metric = "m", Aggregate = "median", Threshold = 1 });

        AlertSettingsValidator.Validate(s).Select(e => e.Field).Should().Equal("custom_rules[0].aggregate");
    }

    [Fact]
    public void Validate_CriticalBelowWarning_NamesField()
    {
        var s = Defaults();
        s.Rules[BuiltInRules.PredictionTime].CriticalThreshold = 4;

        AlertSettingsValidator.Validate(s).Select(e => e.Field).Should().Equal("rules.prediction_processing_time.critical_threshold");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_IntervalBelowOne_NamesField(int interval)
    {
        var s = Defaults();
        s.IntervalSeconds = interval;

        AlertSettingsValidator.Validate(s).Select(e => e.Field).Should().Equal("interval_seconds");
    }

    [Fact]
    public void SlackText_FiringAlert_NamesStateRuleAndRun()
    {
        var alert = new Dashboard.Live.AlertChangedMessage(1, "low_success_rate", "r1", "warning", "firing", "Success rate 0.5 is below 0.8.",
            0.5, 0.8, DateTimeOffset.UnixEpoch, null);

        SlackWebhookFormat.Text(alert).Should().Be("[FIRING] warning low_success_rate on run r1: Success rate 0.5 is below 0.8.");
    }
}
