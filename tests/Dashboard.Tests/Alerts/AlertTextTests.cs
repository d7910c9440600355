using Dashboard.Alerts;
using Dashboard.Live;

namespace Dashboard.Tests.Alerts;

public sealed class AlertTextTests
{
    [Theory]
    [InlineData(BuiltInRules.HighErrorRate, 0.263, "26.3%")]
    [InlineData("pipeline_error_rate:etl", 0.5, "50%")]
    [InlineData(BuiltInRules.HighGenerationTime, 41.25, "41.25 s")]
    [InlineData(BuiltInRules.TotalTokens, 9000, "9000 tokens")]
    [InlineData("custom:p95-latency", 0.263, "0.263")]
    [InlineData("external:pager", 3, "3")]
    public void Value_ByRule_ShareAsPercentOtherUnitsNamed(string rule, double value, string text)
    {
        AlertText.Value(rule, value).Should().Be(text);
    }

    [Fact]
    public void Duration_OpenAndResolved_FromStartToResolveOrNow()
    {
        var start = new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);
        var open = new AlertChangedMessage(1, "r", "run", "warning", AlertState.Firing, "m", 1, 1, start, null);
        var resolved = open with { State = AlertState.Resolved, ResolvedAt = start.AddMinutes(12) };

        AlertText.DurationText(AlertText.Duration(open, start.AddHours(3).AddMinutes(5))).Should().Be("3h 5m");
        AlertText.DurationText(AlertText.Duration(resolved, start.AddDays(2))).Should().Be("12m");
        AlertText.StateOrder(AlertState.Firing).Should().BeLessThan(AlertText.StateOrder(AlertState.Pending));
        AlertText.StateOrder(AlertState.Pending).Should().BeLessThan(AlertText.StateOrder(AlertState.Resolved));
    }
}
