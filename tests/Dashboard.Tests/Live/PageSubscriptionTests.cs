using Dashboard.Live;
using Dashboard.Persistence;

namespace Dashboard.Tests.Live;

public sealed class PageSubscriptionTests
{
    private static CommittedBatch Batch(params string[] runs) =>
        new([.. runs.Select(r => new CommittedRun(r, "default", false) { Events = 1 })]);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!condition())
        {
            timeout.IsCancellationRequested.Should().BeFalse($"{what} within 5 s");
            await Task.Yield();
            Thread.Sleep(5);
        }
    }

    [Fact]
    public async Task Publish_ManyCommitsWithinInterval_OneCallWithAllOfThemForItsRunOnly()
    {
        var feed = new PageFeed();
        var calls = new List<IReadOnlyList<CommittedRun>>();
        await using var page = new PageSubscription(feed, "a", b => { lock (calls) { calls.Add(b); } return Task.CompletedTask; },
            TimeProvider.System, TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 50; i++)
        {
            feed.Publish(Batch("a", "b"));
        }
        await WaitUntilAsync(() => { lock (calls) { return calls.Count > 0; } }, "the first fold");

        lock (calls)
        {
            calls.Should().HaveCount(1, "50 commits within one interval make one fold and one render");
            calls[0].Should().HaveCount(50).And.OnlyContain(r => r.Run == "a");
        }
        page.Received.Should().Be(50);
    }

    [Fact]
    public async Task Signal_ManyCommits_HoldsNoneAndCallsBack()
    {
        var feed = new PageFeed();
        var calls = 0;
        var gate = new SemaphoreSlim(0);
        await using var part = PageSubscription.Signal(feed, "a", () => { Interlocked.Increment(ref calls); gate.Release(); return Task.CompletedTask; },
            TimeProvider.System, TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 50; i++)
        {
            feed.Publish(Batch("a"));
        }
        var held = part.Pending;
        (await gate.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("the first call within 10 s");

        held.Should().Be(0, "a signal keeps no commit alive until its tick");
        part.Received.Should().Be(50);
        calls.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Subscribe_AllRuns_ReceivesEveryRun()
    {
        var feed = new PageFeed();
        var runs = new List<string>();
        await using var page = new PageSubscription(feed, null, b => { lock (runs) { runs.AddRange(b.Select(r => r.Run)); } return Task.CompletedTask; },
            TimeProvider.System, TimeSpan.FromMilliseconds(20));

        feed.Publish(Batch("a", "b"));
        await WaitUntilAsync(() => { lock (runs) { return runs.Count == 2; } }, "both runs");

        runs.Should().Equal("a", "b");
    }

    [Fact]
    public async Task DisposeAsync_OpenSubscription_UnsubscribesAndStopsFolding()
    {
        var feed = new PageFeed();
        var folds = 0;
        var page = new PageSubscription(feed, "a", _ => { Interlocked.Increment(ref folds); return Task.CompletedTask; },
            TimeProvider.System, TimeSpan.FromMilliseconds(20));
        feed.Count.Should().Be(1);

        await page.DisposeAsync();
        feed.Publish(Batch("a"));
        var after = folds;
        Thread.Sleep(100);

        feed.Count.Should().Be(0);
        folds.Should().Be(after);
        page.Received.Should().Be(0);
    }
}
