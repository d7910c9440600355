using Dashboard.Runs;
using Dashboard.Storage.Sqlite;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Storage;

namespace Dashboard.Tests.Runs;

/// <summary>The prerendered run page's view, handed to the interactive render once, and only while nothing changed.</summary>
public sealed class RunPageHandoffTests : IDisposable
{
    private static readonly RunRange All = new("all", long.MinValue, long.MaxValue, null, null);
    private readonly RollupStore _store = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-18T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _store.Dispose();

    private (RunPageHandoff Handoff, string Key, RunPageHandoff.View View) Parked(RunRange range, string? level = null)
    {
        _store.WriteEvents("r", RollupFixtures.Events(new Random(1), 200, wide: false));
        var loaded = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections)).Load("r", range, _time.GetUtcNow())!;
        var handoff = new RunPageHandoff(_store.Points, _time);
        var view = new RunPageHandoff.View("r", range, level, loaded, "p", [], []);
        return (handoff, handoff.Park(view), view);
    }

    [Fact]
    public void Take_SameRunAndRangeUnchanged_ReturnsTheViewOnce()
    {
        var (handoff, key, view) = Parked(All);

        handoff.Take(key, "r", All, null).Should().BeSameAs(view);
        handoff.Take(key, "r", All, null).Should().BeNull("a view is handed over once");
        handoff.Count.Should().Be(0);
    }

    [Fact]
    public void Take_AfterACommitOfTheRun_ReturnsNull()
    {
        var (handoff, key, _) = Parked(All);

        _store.WriteEvents("r", RollupFixtures.Events(new Random(2), 5, wide: false));

        handoff.Take(key, "r", All, null).Should().BeNull("the page must read what was committed since the prerender");
    }

    [Fact]
    public void Take_OtherRangeRunOrLevel_ReturnsNull()
    {
        var (handoff, key, _) = Parked(All, level: "error");

        handoff.Take(key, "r", All, null).Should().BeNull("another level filter");
        var (h2, k2, _) = (handoff, handoff.Park(new RunPageHandoff.View("r", All, null, null!, "", [], [])), 0);
        h2.Take(k2, "other", All, null).Should().BeNull("another run");
        var custom = new RunRange("custom", 1, 2, null, null);
        var k3 = handoff.Park(new RunPageHandoff.View("r", custom, null, null!, "", [], []));
        handoff.Take(k3, "r", custom with { ToMicros = 3 }, null).Should().BeNull("another custom range");
    }

    [Fact]
    public void Take_AfterItsLifetime_ReturnsNull()
    {
        var (handoff, key, _) = Parked(All);

        _time.Advance(RunPageHandoff.Lifetime + TimeSpan.FromSeconds(1));

        handoff.Take(key, "r", All, null).Should().BeNull();
    }

    [Fact]
    public void Park_BeyondTheLimit_DropsTheOldest()
    {
        var (handoff, first, _) = Parked(All);

        for (var i = 0; i < RunPageHandoff.MaxParked; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            handoff.Park(new RunPageHandoff.View("x", All, null, null!, "", [], []));
        }

        handoff.Count.Should().Be(RunPageHandoff.MaxParked);
        handoff.Take(first, "r", All, null).Should().BeNull("nobody came for it and newer prerenders pushed it out");
    }
}
