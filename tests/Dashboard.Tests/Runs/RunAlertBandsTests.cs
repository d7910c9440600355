using Dashboard.Alerts;
using Dashboard.Components.Charts;
using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

public sealed class RunAlertBandsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static AlertChangedMessage Alert(long id, string rule, string state, DateTimeOffset start, DateTimeOffset? end) =>
        new(id, rule, "r", AlertSeverity.Warning, state, "m", 0.5, 0.8, start, end);

    [Fact]
    public void ByMetric_FiringAndResolvedAlerts_BandPerWatchedMetricToNowWhileFiring()
    {
        var now = T0.AddHours(1);
        var custom = new List<CustomRule> { new() { Name = "low coherence", Metric = "evaluation_score_coherence" } };
        var alerts = new[]
        {
            Alert(1, BuiltInRules.LowSuccessRate, AlertState.Resolved, T0, T0.AddMinutes(5)),
            Alert(2, BuiltInRules.HighErrorRate, AlertState.Firing, T0.AddMinutes(30), null),
            Alert(3, "custom:low coherence", AlertState.Firing, T0.AddMinutes(10), null),
            Alert(4, BuiltInRules.HighGenerationTime, AlertState.Pending, T0, null),
            Alert(5, BuiltInRules.RunStalled, AlertState.Firing, T0, null),
            Alert(6, "custom:deleted since", AlertState.Firing, T0, null),
        };

        var bands = RunAlertBands.ByMetric(alerts, custom, now);

        bands.Keys.Should().BeEquivalentTo(MetricNames.SuccessRate, "evaluation_score_coherence");
        bands[MetricNames.SuccessRate].Select(b => (b.FromMs, b.ToMs)).Should().Equal(
            (T0.ToUnixTimeMilliseconds(), T0.AddMinutes(5).ToUnixTimeMilliseconds()),
            (T0.AddMinutes(30).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()));
        bands["evaluation_score_coherence"].Single().Label.Should().Be("custom:low coherence");
    }

    [Fact]
    public void For_SeveralMetrics_BandsInTimeOrderAtLeastMinimumWidth()
    {
        var alerts = new[]
        {
            Alert(1, BuiltInRules.TotalTokens, AlertState.Firing, T0.AddMinutes(20), null),
            Alert(2, BuiltInRules.PromptTokens, AlertState.Resolved, T0, T0.AddMinutes(1)),
        };
        var byMetric = RunAlertBands.ByMetric(alerts, [], T0.AddHours(1));

        // A five-hour axis: the visible minimum is 2 minutes.
        var span = new TimeSpanMs(T0.ToUnixTimeMilliseconds(), T0.AddHours(5).ToUnixTimeMilliseconds());

        var bands = RunAlertBands.For(byMetric, span, MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens);

        bands.Select(b => b.Label).Should().Equal(BuiltInRules.PromptTokens, BuiltInRules.TotalTokens);
        (bands[0].ToMs - bands[0].FromMs).Should().Be(120_000, "a one-minute band is widened to the visible minimum");
        (bands[1].ToMs - bands[1].FromMs).Should().Be(40 * 60_000, "wide enough already");
        RunAlertBands.For(byMetric, span, MetricNames.GenerationTime).Should().BeEmpty();
    }

    [Fact]
    public void For_AlertFiredAfterTheAxisEnds_DrawnAtItsRightEdge()
    {
        // Range "all" ends at the run's last event; the rule fired at the next evaluation, 40 s later.
        var lastEvent = T0.AddMinutes(30);
        var alerts = new[] { Alert(1, BuiltInRules.HighGenerationTime, AlertState.Firing, lastEvent.AddSeconds(40), null) };
        var byMetric = RunAlertBands.ByMetric(alerts, [], lastEvent.AddMinutes(2));
        var span = new TimeSpanMs(T0.ToUnixTimeMilliseconds(), lastEvent.ToUnixTimeMilliseconds());

        var band = RunAlertBands.For(byMetric, span, MetricNames.GenerationTime).Should().ContainSingle().Subject;

        (band.FromMs, band.ToMs).Should().Be((span.ToMs - 12_000, span.ToMs), "the last 1/150 of a 30-minute axis");
        band.Label.Should().Be(BuiltInRules.HighGenerationTime);
    }

    [Fact]
    public void Fold_NewScorePointsWithFeedback_NewestFirstCappedAndOutOfRangeIgnored()
    {
        var ts = Timestamps.ToMicros(T0);
        var current = Enumerable.Range(0, RunFeedback.Count)
            .Select(i => new JudgeFeedback(T0.AddSeconds(-i - 1), "coherence", 0.5, "judge", $"old {i}")).ToList();
        var points = new[]
        {
            new MetricPoint("evaluation_score_coherence", ts, 0.2, null, """{"evaluator_type":"judge","feedback":"<b>new</b>"}"""),
            new MetricPoint("evaluation_score_coherence", ts + 1, 0.3, null, """{"evaluator_type":"judge"}"""),
            new MetricPoint("evaluation_time", ts, 0.3, null, """{"feedback":"not a score"}"""),
            new MetricPoint("evaluation_score_coherence", ts + 10_000_000_000, 0.3, null, """{"feedback":"after the range"}"""),
            new MetricPoint("evaluation_score_coherence", ts, 0.3, null, "not json"),
        };

        var folded = RunFeedback.Fold(current, points, ts - 1_000_000_000, ts + 1_000_000);

        folded.Should().HaveCount(RunFeedback.Count);
        folded[0].Should().Be(new JudgeFeedback(T0, "coherence", 0.2, "judge", "<b>new</b>"));
        folded.Skip(1).Select(f => f.Text).Should().Equal(current.Take(RunFeedback.Count - 1).Select(f => f.Text));
    }
}
