using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>
/// A real restart on the same database (SQLite file, or the same PostgreSQL database in the PostgreSQL pass): the
/// notification groups are read back, so a still-firing group is repeated at its repeat interval after the restart,
/// neither at once nor never (in memory only, it was never repeated until it changed).
/// </summary>
public sealed class NotificationRestartTests
{
    private const int RepeatSeconds = 15;

    [Fact]
    public async Task Restart_GroupStillFiring_RepeatedAtRepeatIntervalNotAtOnce()
    {
        await using var hooks = await WebhookListener.StartAsync();
        var path = TempFiles.NewDatabasePath();
        var settings = new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" };
        IEnumerable<JsonElement> Heard() => hooks.At("/hook").Where(b => b.TryGetProperty("run", out var r) && r.GetString() == "restart-run");
        DateTimeOffset firstAt;
        await using (var first = new DashboardFactory(path, settings))
        {
            using var http = first.CreateHttpClient();
            await AlertSettingsEdit.EditAsync(http, d =>
            {
                AlertSettingsEdit.Immediate(d);
                // A wait lets the pair's two alerts join one group; the repeat is short enough for a test.
                d["notifications"]!["group_wait_seconds"] = 1;
                d["notifications"]!["repeat_interval_seconds"] = RepeatSeconds;
                d["webhooks"] = AlertSettingsEdit.Webhooks((new Uri(hooks.BaseAddress, "hook"), "json"));
            });
            (await Json.PostIngestAsync(http, "restart-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();
            await WaitFor.ConditionAsync(() => Heard().Any(), TimeSpan.FromSeconds(30), "the failing run is notified before the restart");
            firstAt = DateTimeOffset.UtcNow;
        }

        await using var second = new DashboardFactory(path, settings);
        using var again = second.CreateHttpClient();
        await WaitFor.ConditionAsync(() => Heard().Count() >= 2, TimeSpan.FromSeconds(RepeatSeconds + 45), "the group is repeated after the restart");
        var gap = DateTimeOffset.UtcNow - firstAt;

        gap.Should().BeGreaterThan(TimeSpan.FromSeconds(RepeatSeconds - 3), "the repeat counts from the send before the restart, not from the start");
        var bodies = Heard().ToList();
        bodies.Should().HaveCount(2);
        bodies.Should().OnlyContain(b => b.GetProperty("group").GetString() == "failure_share|restart-run" && b.GetProperty("alerts").GetArrayLength() == 2);
        (await Json.GetAsync(again, "/api/v1/alerts?run=restart-run&state=firing")).GetArrayLength().Should().Be(2, "the alerts fire on, unchanged");
    }
}
