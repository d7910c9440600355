using Dashboard.Alerts;
using Dashboard.Alerts.Settings;
using Dashboard.Storage;

namespace Dashboard.Tests.Alerts.Settings;

public sealed class RulePreviewTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(24);

    private static PreviewSeries Series(string run, params (double Minutes, double Value)[] points) =>
        new(run, points.Select(p => From.AddMinutes(p.Minutes).ToUnixTimeMilliseconds() * 1000).ToList(), points.Select(p => p.Value).ToList());

    [Fact]
    public void Run_ValuesAboveDuringOneHour_OneFiringCoveringThatHour()
    {
        var spec = new RulePreviewSpec("generation_time", "mean", "above", 30, 300);
        var points = Enumerable.Range(0, 24 * 60).Select(m => ((double)m, m is >= 600 and < 660 ? 45.0 : 2.0)).ToArray();

        var result = RulePreview.Run(spec, [Series("r1", points)], From, To, truncated: false);

        result.Evaluations.Should().Be(288);
        var firing = result.Firings.Should().ContainSingle().Subject;
        firing.Run.Should().Be("r1");
        firing.From.Should().Be(From.AddMinutes(605));
        firing.To.Should().Be(From.AddMinutes(660));
        firing.Worst.Should().Be(45);
        result.RunsFiring.Should().Be(1);
    }

    [Fact]
    public void Run_BelowRule_WorstIsLowest_EqualToThresholdDoesNotFire()
    {
        var spec = new RulePreviewSpec("success_rate", "mean", "below", 0.8, 300);

        var result = RulePreview.Run(spec,
            [Series("eq", (1, 0.8), (2, 0.8)), Series("low", (61, 0.5), (62, 0.1), (122, 1))], From, To, false);

        result.Firings.Should().ContainSingle().Which.Should().Match<PreviewFiring>(f => f.Run == "low" && f.Worst == 0.3);
    }

    [Fact]
    public void Run_NoPointsInWindow_NoCondition()
    {
        var spec = new RulePreviewSpec("generation_time", "count", "below", 5, 300);

        var result = RulePreview.Run(spec, [Series("r", (1, 1))], From, To, false);

        result.Firings.Should().ContainSingle().Which.Evaluations.Should().Be(1, "only the evaluation whose window holds the point counts");
    }

    [Fact]
    public void ForBuiltIn_FailureShare_IsSuccessRateBelowOneMinusThreshold()
    {
        var spec = RulePreviewSpec.ForBuiltIn(BuiltInRules.HighErrorRate, new RuleSetting { Threshold = 0.2, WindowSeconds = 600 })!;

        spec.Should().Be(new RulePreviewSpec("success_rate", "mean", "below", 0.8, 600));
        RulePreviewSpec.ForBuiltIn(BuiltInRules.PredictionAnomaly, new RuleSetting()).Should().BeNull();
    }
}
