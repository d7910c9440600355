using Dashboard.Alerts;
using Dashboard.Alerts.Settings;

namespace Dashboard.Tests.Alerts.Settings;

public sealed class SettingsFieldTextTests
{
    [Theory]
    [InlineData("rules.high_generation_time.threshold", "High generation time: threshold")]
    [InlineData("rules.high_generation_time.window_seconds", "High generation time: window")]
    [InlineData("interval_seconds", "Evaluation interval")]
    [InlineData("new_rule.metric", "Custom rule: metric")]
    [InlineData("custom_rules[2].aggregate", "Custom rule: aggregate")]
    [InlineData("new_baseline.seconds", "Pipeline baseline: baseline")]
    [InlineData("webhooks[0].url", "Webhook: URL")]
    public void Label_DocumentKey_NamesTheFieldInWords(string field, string label)
    {
        SettingsFieldText.Label(field).Should().Be(label);
    }

    [Fact]
    public void Message_ValidatorFailures_UseDurationsAndPercentNotKeys()
    {
        var settings = AlertSettings.CreateDefault(60);
        settings.IntervalSeconds = 0;
        settings.Rules[BuiltInRules.HighGenerationTime].WindowSeconds = -60;
        settings.Rules[BuiltInRules.LowSuccessRate].Threshold = 3;

        var messages = AlertSettingsValidator.Validate(settings).ToDictionary(e => e.Field, SettingsFieldText.Message);

        messages["interval_seconds"].Should().Be("The interval must be between 1s and 1d.");
        messages["rules.high_generation_time.window_seconds"].Should().Be("The window must be between 1s and 7d.");
        messages["rules.low_success_rate.threshold"].Should().Be("A share is between 0 % and 100 %.");
        messages.Values.Should().NotContain(m => m.Contains("_seconds"));
    }

    [Fact]
    public void Message_KeyLedMessage_BecomesASentence()
    {
        SettingsFieldText.Message(new FieldError("new_rule.metric", "metric must be 1-256 characters."))
            .Should().Be("The metric must be 1-256 characters.");
    }
}
