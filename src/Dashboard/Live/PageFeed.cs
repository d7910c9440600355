using System.Collections.Immutable;

namespace Dashboard.Live;

/// <summary>
/// In-process fan-out of committed batches to open pages (interactive server components). The writer's
/// thread only appends each run's <see cref="CommittedRun"/> to the subscribers of that run (and to those of
/// every run): no copying, no folding, no rendering here. Each page folds what it received on its own
/// schedule (<see cref="PageSubscription"/>), so a slow page never holds up the writer or other pages.
/// </summary>
public sealed class PageFeed : Storage.ICommittedBatchSink
{
    private const string AllRuns = "\0all";
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Action<CommittedRun>>> _byRun =
        ImmutableDictionary.Create<string, ImmutableArray<Action<CommittedRun>>>(StringComparer.Ordinal);

    /// <summary>Open subscriptions (for the bench and for tests that check pages let go when closed).</summary>
    public int Count
    {
        get
        {
            var snapshot = _byRun;
            return snapshot.Values.Sum(v => v.Length);
        }
    }

    /// <summary>Calls <paramref name="onCommitted"/> (on the writer's thread: keep it to an enqueue) for each commit of <paramref name="run"/>, or of every run when null.</summary>
    public IDisposable Subscribe(string? run, Action<CommittedRun> onCommitted)
    {
        var key = run ?? AllRuns;
        lock (_gate)
        {
            _byRun = _byRun.SetItem(key, _byRun.GetValueOrDefault(key, []).Add(onCommitted));
        }
        return new Unsubscriber(this, key, onCommitted);
    }

    public void Publish(CommittedBatch batch)
    {
        var snapshot = _byRun;
        if (snapshot.IsEmpty)
        {
            return;
        }
        var all = snapshot.GetValueOrDefault(AllRuns, []);
        foreach (var run in batch.Runs)
        {
            foreach (var handler in snapshot.GetValueOrDefault(run.Run, []))
            {
                handler(run);
            }
            foreach (var handler in all)
            {
                handler(run);
            }
        }
    }

    private void Remove(string key, Action<CommittedRun> handler)
    {
        lock (_gate)
        {
            var left = _byRun.GetValueOrDefault(key, []).Remove(handler);
            _byRun = left.IsEmpty ? _byRun.Remove(key) : _byRun.SetItem(key, left);
        }
    }

    private sealed class Unsubscriber(PageFeed feed, string key, Action<CommittedRun> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Remove(key, handler);
            }
        }
    }
}
