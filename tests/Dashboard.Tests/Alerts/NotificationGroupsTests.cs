using System.Text.Json;
using Dashboard.Alerts;
using Dashboard.Live;

namespace Dashboard.Tests.Alerts;

/// <summary>Alertmanager-style grouping at each timer's boundary (group_wait 10 s, group_interval 60 s, repeat 4 h).</summary>
public sealed class NotificationGroupsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NotificationSettings Timers = new() { GroupWaitSeconds = 10, GroupIntervalSeconds = 60, RepeatIntervalSeconds = 3600 };

    private static AlertChange Fire(long id, string rule, string run = "r", double value = 0.5) =>
        new(new AlertChangedMessage(id, rule, run, "warning", AlertState.Firing, "m", value, 0.8, T0, null), Notify: true);

    private static AlertChange Resolve(long id, string rule, string run = "r") =>
        new(new AlertChangedMessage(id, rule, run, "warning", AlertState.Resolved, "m", 0.9, 0.8, T0, T0.AddMinutes(5)), Notify: true);

    [Fact]
    public void TakeDue_FailureSharePair_OneNotificationWithBothValues()
    {
        var groups = new NotificationGroups();
        groups.Add(Fire(2, BuiltInRules.HighErrorRate, value: 0.3), T0);
        groups.Add(Fire(1, BuiltInRules.LowSuccessRate, value: 0.7), T0);
        groups.Add(Fire(3, BuiltInRules.LowSuccessRate, run: "other"), T0);

        var due = groups.TakeDue(T0.AddSeconds(10), Timers);

        due.Should().HaveCount(2);
        var pair = due.Single(n => n.Group == "failure_share|r");
        pair.Alerts.Select(a => (a.Rule, a.Value)).Should().Equal((BuiltInRules.LowSuccessRate, 0.7), (BuiltInRules.HighErrorRate, 0.3));
        var body = JsonWebhookFormat.Document(pair);
        body["rule"]!.GetValue<string>().Should().Be(BuiltInRules.LowSuccessRate);
        body["alerts"]!.AsArray().Select(a => a!["value"]!.GetValue<double>()).Should().Equal(0.7, 0.3);
    }

    [Fact]
    public void TakeDue_GroupWait_NothingBeforeBoundaryLateJoinerIncluded()
    {
        var groups = new NotificationGroups();
        groups.Add(Fire(1, BuiltInRules.LowSuccessRate), T0);

        var early = groups.TakeDue(T0.AddSeconds(9), Timers);
        groups.Add(Fire(2, BuiltInRules.HighErrorRate), T0.AddSeconds(9));
        var atWait = groups.TakeDue(T0.AddSeconds(10), Timers);

        early.Should().BeEmpty();
        atWait.Should().ContainSingle().Which.Alerts.Should().HaveCount(2);
        groups.NextDue(Timers).Should().Be(T0.AddSeconds(10) + TimeSpan.FromHours(1), "only the repeat is left");
    }

    [Fact]
    public void TakeDue_GroupInterval_ChangesWaitForIt()
    {
        var groups = new NotificationGroups();
        groups.Add(Fire(1, BuiltInRules.LowSuccessRate), T0);
        groups.TakeDue(T0.AddSeconds(10), Timers);

        groups.Add(Resolve(1, BuiltInRules.LowSuccessRate), T0.AddSeconds(20));
        var beforeInterval = groups.TakeDue(T0.AddSeconds(69), Timers);
        var atInterval = groups.TakeDue(T0.AddSeconds(70), Timers);

        beforeInterval.Should().BeEmpty();
        atInterval.Should().ContainSingle().Which.Lead.State.Should().Be(AlertState.Resolved);
        groups.Count.Should().Be(0, "a resolved alert leaves its group once sent");
    }

    [Fact]
    public void TakeDue_RepeatInterval_ResendsUnlessAcknowledged()
    {
        var groups = new NotificationGroups();
        groups.Add(Fire(1, "high_generation_time"), T0);
        groups.TakeDue(T0.AddSeconds(10), Timers);

        var beforeRepeat = groups.TakeDue(T0.AddSeconds(10 + 3599), Timers);
        var repeat = groups.TakeDue(T0.AddSeconds(10 + 3600), Timers);
        var acked = Fire(1, "high_generation_time") with { Notify = false };
        groups.Add(acked with { Alert = acked.Alert with { AcknowledgedAt = T0 } }, T0.AddSeconds(3700));

        beforeRepeat.Should().BeEmpty();
        repeat.Should().ContainSingle();
        groups.NextDue(Timers).Should().BeNull("an acknowledged alert is not repeated");
    }

    [Fact]
    public void TakeDue_FiredAndResolvedInsideGroupWait_SendsNothing()
    {
        var groups = new NotificationGroups();
        groups.Add(Fire(1, "high_generation_time"), T0);
        groups.Add(Resolve(1, "high_generation_time"), T0.AddSeconds(5));

        groups.TakeDue(T0.AddSeconds(10), Timers).Should().BeEmpty();
        groups.Count.Should().Be(0);
    }

    [Fact]
    public async Task SlackBody_Group_OneLinePerAlert()
    {
        var n = new AlertNotification("failure_share|r", [Fire(1, BuiltInRules.LowSuccessRate).Alert, Fire(2, BuiltInRules.HighErrorRate).Alert]);

        var json = await new SlackWebhookFormat().Body(n).ReadAsStringAsync();

        JsonSerializer.Deserialize<JsonElement>(json).GetProperty("text").GetString()!.Split('\n').Should().HaveCount(2);
    }
}
