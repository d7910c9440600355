using Dashboard.Live;
using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

/// <summary>
/// The shared live fold of run pages. Ticks are driven by hand (the loop's interval is an hour), so nothing here depends
/// on timing: the feed is published to directly and <see cref="RunLiveFold.TickAsync"/> called when the test says.
/// </summary>
public sealed class RunLiveFoldsTests
{
    private const long Second = 1_000_000;
    private static readonly long T0 = Timestamps.ToMicros(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly RunRange All = new(RunRange.Default, long.MinValue, long.MaxValue, null, null);

    private readonly PageFeed _feed = new();
    private int _reloads;
    private RunLiveReload? _nextReload;

    private RunLiveFolds Folds(long maxPendingPoints = RunLiveFolds.DefaultMaxPendingPoints) =>
        new(_feed, TimeProvider.System, (_, _, _) => { _reloads++; return _nextReload; }, null, maxPendingPoints, TimeSpan.FromHours(1));

    private static RunPageState Loaded() => new(long.MinValue, long.MaxValue, Second);

    /// <summary>A commit of <paramref name="generations"/> generation events of 2 points each (one failed), as the writer hands it over.</summary>
    private static CommittedBatch Commit(string run, int generations, long runEvents = 0, bool fromPeer = false)
    {
        var commit = new CommittedRun(run, "default", false) { Events = generations, RunEvents = runEvents, FromPeer = fromPeer };
        for (var i = 0; i < generations; i++)
        {
            var ts = T0 + i;
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            e.Points.Add(new MetricPoint(MetricNames.SuccessRate, ts, i == 0 ? 0 : 1, null, null));
            e.Points.Add(new MetricPoint(MetricNames.GenerationTime, ts, 1.5, null, null));
            foreach (var p in e.Points)
            {
                if (!commit.Metrics.TryGetValue(p.Name, out var delta))
                {
                    commit.Metrics[p.Name] = delta = new MetricDelta();
                }
                delta.Add(p.Value, p.Timestamp);
            }
            if (!fromPeer)
            {
                commit.AcceptedEvents.Add(e);
            }
        }
        commit.Logs.Add(new LogRecord(T0, "info", $"commit of {generations}", null));
        return new CommittedBatch([commit]);
    }

    private static Func<RunLiveTick, Task> Into(List<RunLiveTick> ticks) => t =>
    {
        lock (ticks)
        {
            ticks.Add(t);
        }
        return Task.CompletedTask;
    };

    [Fact]
    public async Task Join_TwoPagesOnOneRange_OneSubscriptionOneFoldSameCopyForBoth()
    {
        var folds = Folds();
        var loaded = Loaded();
        List<RunLiveTick> first = [], second = [];
        await using var a = folds.Join("r", All, loaded, 0, [], Into(first));
        await using var b = folds.Join("r", All, Loaded(), 0, [], Into(second));

        _feed.Publish(Commit("r", 10));
        _feed.Publish(Commit("other", 5));
        var ticked = await a.Fold.TickAsync();

        ticked.Should().BeTrue();
        b.Fold.Should().BeSameAs(a.Fold, "pages on the same run and range share one fold");
        _feed.Count.Should().Be(1, "one subscription to the feed however many pages");
        a.Fold.FoldedPoints.Should().Be(20, "ten events of two points, folded once for both pages");
        first.Should().ContainSingle();
        second.Should().ContainSingle().Which.Should().BeSameAs(first[0]);
        first[0].State.Generations.Should().Be(10);
        first[0].State.Failures.Should().Be(1);
        first[0].State.Should().NotBeSameAs(loaded);
        first[0].Logs.Should().ContainSingle().Which.Message.Should().Be("commit of 10");
        loaded.Generations.Should().Be(0, "the page's own loaded state is never folded into: pages may be rendering it");
    }

    [Fact]
    public async Task TickAsync_AfterAnotherCommit_EarlierCopyUnchanged()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Loaded(), 0, [], Into(ticks));

        _feed.Publish(Commit("r", 3));
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 4));
        await page.Fold.TickAsync();
        var idle = await page.Fold.TickAsync();

        ticks.Select(t => t.State.Generations).Should().Equal(3, 7);
        ticks[0].State.GenerationTime.Count.Should().Be(3, "a copy a page rendered stays as it was");
        idle.Should().BeFalse("no commit since the last tick: no copy, no render");
        page.Fold.Current.Should().BeSameAs(ticks[1]);
    }

    [Fact]
    public async Task DisposeAsync_LastPageLeaves_UnsubscribesAtOnce()
    {
        var folds = Folds();
        var a = folds.Join("r", All, Loaded(), 0, [], _ => Task.CompletedTask);
        var b = folds.Join("r", All, Loaded(), 0, [], _ => Task.CompletedTask);

        await a.DisposeAsync();
        var countWithOne = _feed.Count;
        await b.DisposeAsync();
        _feed.Publish(Commit("r", 5));

        countWithOne.Should().Be(1, "the fold goes on while a page shows it");
        _feed.Count.Should().Be(0, "the last page's close unsubscribes before DisposeAsync returns");
        folds.Open.Should().BeEmpty();
        b.Fold.PendingPoints.Should().Be(0, "nothing is queued for a closed fold");
    }

    [Fact]
    public async Task Join_OtherRunOrCustomRange_FoldOfItsOwn()
    {
        var folds = Folds();
        var since = new RunRange("custom", T0, long.MaxValue, Timestamps.FromMicros(T0), null);
        await using var all = folds.Join("r", All, Loaded(), 0, [], _ => Task.CompletedTask);
        await using var custom = folds.Join("r", since, new RunPageState(T0, long.MaxValue, Second), 0, [], _ => Task.CompletedTask);
        await using var other = folds.Join("s", All, Loaded(), 0, [], _ => Task.CompletedTask);

        folds.Open.Should().HaveCount(3);
        _feed.Count.Should().Be(3);
    }

    [Fact]
    public void Follows_FixedPastRange_False()
    {
        var now = Timestamps.FromMicros(T0);
        var past = new RunRange("custom", T0 - 3600 * Second, T0 - Second, null, null);

        RunLiveFolds.Follows(past, now).Should().BeFalse("no new point can fall in a range that ended");
        RunLiveFolds.Follows(All, now).Should().BeTrue();
        RunLiveFolds.Follows(past with { ToMicros = T0 + Second }, now).Should().BeTrue("a range ending later still receives points");
    }

    [Fact]
    public async Task Publish_PastThePointCap_QueueDroppedAndNextTickReReadsStorage()
    {
        var folds = Folds(maxPendingPoints: 1_000);
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Loaded(), 0, [], Into(ticks));
        var fromStorage = Loaded();
        fromStorage.AddPoint(MetricNames.SuccessRate, T0, 1);
        _nextReload = new RunLiveReload(fromStorage, [], RunEvents: 700);

        _feed.Publish(Commit("r", 400, runEvents: 400));
        var queued = page.Fold.PendingPoints;
        _feed.Publish(Commit("r", 300, runEvents: 700));
        var afterCap = page.Fold.PendingPoints;
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 5, runEvents: 700));
        _feed.Publish(Commit("r", 2, runEvents: 702));
        await page.Fold.TickAsync();

        queued.Should().Be(800);
        afterCap.Should().Be(0, "1,400 points would pass the cap of 1,000: the queue is dropped, not grown");
        page.Fold.DroppedCommits.Should().Be(2);
        _reloads.Should().Be(1);
        ticks[0].Reread.Should().BeTrue("the page reads its log lines again too");
        ticks[0].State.Generations.Should().Be(1, "the re-read state, not a fold of the dropped commits");
        ticks[1].Reread.Should().BeFalse();
        ticks[1].State.Generations.Should().Be(3, "a commit the re-read already counted is skipped; a later one is folded");
    }

    [Fact]
    public async Task Publish_CommitFromPeer_NextTickReReadsStorage()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Loaded(), 0, [], Into(ticks));
        _nextReload = new RunLiveReload(Loaded(), [], 0);

        _feed.Publish(Commit("r", 3, fromPeer: true));
        await page.Fold.TickAsync();

        _reloads.Should().Be(1, "another instance's commit carries no events to fold");
        ticks.Should().ContainSingle().Which.Reread.Should().BeTrue();
    }

    /// <summary>A state read from storage holding <paramref name="generations"/> generation events.</summary>
    private static RunPageState Stored(int generations)
    {
        var state = Loaded();
        for (var i = 0; i < generations; i++)
        {
            state.AddPoint(MetricNames.SuccessRate, T0 + i, 1);
        }
        return state;
    }

    [Fact]
    public async Task Join_CommitLandedBetweenPageReadAndJoin_FirstTickReadsItFromStorage()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        // The page read 3 events; a commit of 2 more landed (and was published to nobody) before the page joined.
        _feed.Publish(Commit("r", 2, runEvents: 5));
        await using var page = folds.Join("r", All, Stored(3), loadedEvents: null, [], Into(ticks));
        // One more commit before the first tick: the tick's read (after it) holds all 6 events.
        _feed.Publish(Commit("r", 1, runEvents: 6));
        _nextReload = new RunLiveReload(Stored(6), [], RunEvents: 6);
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 4, runEvents: 10));
        await page.Fold.TickAsync();

        _reloads.Should().Be(1, "a new fold whose page's read holds an unknown count reads the range once, after subscribing");
        ticks.Select(t => t.State.Generations).Should().Equal([6, 10], "the commits before the first tick are in its read; the later ones are folded once");
    }

    [Fact]
    public async Task TickAsync_CommitAfterAGap_ReadsRangeAgainInsteadOfMissingIt()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Stored(3), loadedEvents: 3, [], Into(ticks));
        _nextReload = new RunLiveReload(Stored(7), [], RunEvents: 7);
        // Events 4-5 were committed before the subscription and never queued here; this commit brings 6-7.
        _feed.Publish(Commit("r", 2, runEvents: 7));
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 1, runEvents: 8));
        await page.Fold.TickAsync();

        _reloads.Should().Be(1);
        ticks[0].State.Generations.Should().Be(7, "the read, not 3 + 2 with two events missing");
        ticks[0].Reread.Should().BeTrue();
        ticks[1].State.Generations.Should().Be(8);
        page.Fold.FoldedPoints.Should().Be(2, "only the commit after the read is folded");
    }

    [Fact]
    public async Task TickAsync_LoadedCountAndNoGap_FoldsWithoutReading()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Stored(3), loadedEvents: 3, [], Into(ticks));
        _feed.Publish(Commit("r", 2, runEvents: 3));
        _feed.Publish(Commit("r", 2, runEvents: 5));
        await page.Fold.TickAsync();

        _reloads.Should().Be(0);
        ticks.Should().ContainSingle().Which.State.Generations.Should().Be(5, "a commit the page's read holds is skipped, the next one folded");
    }

    [Fact]
    public async Task TickAsync_ReadNotExact_QueuedCommitsDroppedAndReadAgain()
    {
        var folds = Folds();
        List<RunLiveTick> ticks = [];
        await using var page = folds.Join("r", All, Stored(0), loadedEvents: null, [], Into(ticks));
        // Commits kept landing during the first read: it holds 4 or 6 events, nobody knows which.
        _nextReload = new RunLiveReload(Stored(4), [], RunEvents: 6, Exact: false);
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 1, runEvents: 7));
        _nextReload = new RunLiveReload(Stored(7), [], RunEvents: 7);
        await page.Fold.TickAsync();
        _feed.Publish(Commit("r", 1, runEvents: 8));
        await page.Fold.TickAsync();

        _reloads.Should().Be(2, "an inexact read is followed by another at the next tick");
        ticks.Select(t => t.State.Generations).Should().Equal([4, 7, 8]);
        page.Fold.FoldedPoints.Should().Be(2, "nothing queued after an inexact read is folded: it might be in the read");
    }
}
