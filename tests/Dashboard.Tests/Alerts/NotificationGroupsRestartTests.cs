using Dashboard.Alerts;
using Dashboard.Live;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// Grouping state kept in the database across a restart (a new <see cref="NotificationGroups"/> loading the same SQLite
/// file), at each timer's boundary: group_wait 10 s, group_interval 60 s, repeat 1 h, on a fake clock.
/// </summary>
public sealed class NotificationGroupsRestartTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NotificationSettings Timers = new() { GroupWaitSeconds = 10, GroupIntervalSeconds = 60, RepeatIntervalSeconds = 3600 };

    private readonly AlertTestDb _db = new();

    public void Dispose() => _db.Dispose();

    private NotificationGroups Start()
    {
        var groups = new NotificationGroups(new SqliteNotificationGroupStore(_db.Connections));
        groups.Load();
        return groups;
    }

    private static AlertChange Fire(long id, string rule, double value = 0.5) =>
        new(new AlertChangedMessage(id, rule, "r", "warning", AlertState.Firing, "m", value, 0.8, T0, null), Notify: true);

    [Fact]
    public void Load_AfterSend_NotSentAgainAtOnceButRepeatedWhenDue()
    {
        var before = Start();
        before.Add(Fire(1, BuiltInRules.LowSuccessRate, 0.7), T0);
        before.Add(Fire(2, BuiltInRules.HighErrorRate, 0.3), T0);
        before.TakeDue(T0.AddSeconds(10), Timers).Should().ContainSingle();

        var after = Start();

        after.TakeDue(T0.AddSeconds(11), Timers).Should().BeEmpty("the group was sent before the restart");
        after.NextDue(Timers).Should().Be(T0.AddSeconds(10 + 3600), "the repeat keeps its time");
        after.TakeDue(T0.AddSeconds(10 + 3599), Timers).Should().BeEmpty();
        var repeat = after.TakeDue(T0.AddSeconds(10 + 3600), Timers).Should().ContainSingle().Subject;
        repeat.Group.Should().Be("failure_share|r");
        repeat.Alerts.Select(a => (a.Rule, a.Value)).Should().Equal((BuiltInRules.LowSuccessRate, 0.7), (BuiltInRules.HighErrorRate, 0.3));
    }

    [Fact]
    public void Load_InsideGroupWait_WaitCountsFromTheFirstAlert()
    {
        Start().Add(Fire(1, "high_generation_time"), T0);

        var after = Start();

        after.TakeDue(T0.AddSeconds(9), Timers).Should().BeEmpty();
        after.TakeDue(T0.AddSeconds(10), Timers).Should().ContainSingle().Which.Lead.Id.Should().Be(1);
    }

    [Fact]
    public void Load_ChangeWaitingForGroupInterval_SentAtIntervalThenForgotten()
    {
        var before = Start();
        before.Add(Fire(1, "high_generation_time"), T0);
        before.TakeDue(T0.AddSeconds(10), Timers);
        var resolved = Fire(1, "high_generation_time");
        before.Add(resolved with { Alert = resolved.Alert with { State = AlertState.Resolved, ResolvedAt = T0.AddSeconds(20) } }, T0.AddSeconds(20));

        var after = Start();

        after.TakeDue(T0.AddSeconds(69), Timers).Should().BeEmpty();
        after.TakeDue(T0.AddSeconds(70), Timers).Should().ContainSingle().Which.Lead.State.Should().Be(AlertState.Resolved);
        Start().Count.Should().Be(0, "a group whose alerts all resolved and were sent is deleted from the store");
    }

    [Fact]
    public void Load_AcknowledgedBeforeRestart_NotRepeated()
    {
        var before = Start();
        before.Add(Fire(1, "high_generation_time"), T0);
        before.TakeDue(T0.AddSeconds(10), Timers);
        var acked = Fire(1, "high_generation_time") with { Notify = false };
        before.Add(acked with { Alert = acked.Alert with { AcknowledgedAt = T0.AddMinutes(1), AcknowledgedBy = "ana" } }, T0.AddMinutes(1));

        var after = Start();

        after.Count.Should().Be(1);
        after.NextDue(Timers).Should().BeNull("an acknowledged group is not repeated, before or after a restart");
    }
}
