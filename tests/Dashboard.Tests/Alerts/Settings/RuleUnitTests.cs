using Dashboard.Alerts;
using Dashboard.Alerts.Settings;

namespace Dashboard.Tests.Alerts.Settings;

public sealed class RuleUnitTests
{
    [Theory]
    [InlineData(BuiltInRules.LowSuccessRate, "%")]
    [InlineData(BuiltInRules.HighErrorRate, "%")]
    [InlineData(BuiltInRules.PipelinePerformance, "%")]
    [InlineData(BuiltInRules.HighGenerationTime, "s")]
    [InlineData(BuiltInRules.TotalTokens, "tokens")]
    [InlineData(BuiltInRules.LongConversations, "turns")]
    public void Of_BuiltInRule_ShareRulesArePercent(string key, string suffix)
    {
        RuleUnit.Of(BuiltInRules.Get(key)).Suffix.Should().Be(suffix);
    }

    [Fact]
    public void Percent_ShowAndRead_RoundTripsTheStoredShare()
    {
        RuleUnit.Percent.Show(0.8).Should().Be("80");
        RuleUnit.Percent.TryRead("72.5 %", out var stored, out _).Should().BeTrue();
        stored.Should().BeApproximately(0.725, 1e-12);
    }

    [Theory]
    [InlineData("150", "between 0 % and 100 %")]
    [InlineData("abc", "not a number")]
    [InlineData("", "Enter a value")]
    public void Percent_TryRead_BadValue_ErrorInWords(string text, string words)
    {
        RuleUnit.Percent.TryRead(text, out _, out var error).Should().BeFalse();

        error.Should().Contain(words);
    }

    [Fact]
    public void Seconds_TryRead_NegativeRejected_SuffixAccepted()
    {
        RuleUnit.Seconds.TryRead("-1", out _, out var error).Should().BeFalse();
        error.Should().Contain("negative");
        RuleUnit.Seconds.TryRead("2.5 s", out var s, out _).Should().BeTrue();
        s.Should().Be(2.5);
    }
}
