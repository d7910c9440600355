
namespace Dashboard.Live;

/// <summary>
/// One page's live feed: commits of its run queue up as they happen; at most once per interval (1 s for
/// pages) the page gets everything queued since the last time, folds it into its own state and re-renders
/// once. Disposing (the component's Dispose, which runs when the circuit closes) stops the loop and unsubscribes.
/// </summary>
public sealed class PageSubscription : IAsyncDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private readonly Task _loop;
    private readonly bool _keepCommits;
    private List<CommittedRun> _pending = [];
    private bool _changed;

    /// <param name="feed">The in-process feed.</param>
    /// <param name="run">The run to follow, or null for every run (the runs list).</param>
    /// <param name="onBatch">Folds the commits (in commit order) and re-renders; called from the loop, never concurrently.</param>
    /// <param name="time">Drives the interval (tests advance it).</param>
    /// <param name="interval">At most one call per interval.</param>
    public PageSubscription(PageFeed feed, string? run, Func<IReadOnlyList<CommittedRun>, Task> onBatch, TimeProvider time, TimeSpan? interval = null)
        : this(feed, run, onBatch, time, interval, keepCommits: true)
    {
    }

    private PageSubscription(PageFeed feed, string? run, Func<IReadOnlyList<CommittedRun>, Task> onBatch, TimeProvider time, TimeSpan? interval, bool keepCommits)
    {
        _keepCommits = keepCommits;
        _subscription = feed.Subscribe(run, Enqueue);
        _loop = RunAsync(onBatch, time, interval ?? DefaultInterval, _stop.Token);
    }

    /// <summary>
    /// For a part that only needs to know that something was committed (it re-reads what it shows): keeps no commit,
    /// only a flag, so a busy run's batches are not held alive until the next tick. <paramref name="onChanged"/> is
    /// called at most once per interval, and only when a commit arrived since the last call.
    /// </summary>
    public static PageSubscription Signal(PageFeed feed, string? run, Func<Task> onChanged, TimeProvider time, TimeSpan? interval = null) =>
        new(feed, run, _ => onChanged(), time, interval, keepCommits: false);

    /// <summary>Commits queued for the next call (always 0 for a <see cref="Signal"/> subscription).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Commits received in total (tests and the bench read it).</summary>
    public long Received { get; private set; }

    private void Enqueue(CommittedRun run)
    {
        lock (_gate)
        {
            if (_keepCommits)
            {
                _pending.Add(run);
            }
            _changed = true;
            Received++;
        }
    }

    private List<CommittedRun> TakePending()
    {
        lock (_gate)
        {
            if (!_changed)
            {
                return [];
            }
            _changed = false;
            if (!_keepCommits)
            {
                return Changed;
            }
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    // What a Signal subscription's callback gets: a non-empty list it ignores (one shared instance, never changed).
    private static readonly List<CommittedRun> Changed = [new CommittedRun("", "", false)];

    private async Task RunAsync(Func<IReadOnlyList<CommittedRun>, Task> onBatch, TimeProvider time, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var batch = TakePending();
                if (batch.Count > 0)
                {
                    await onBatch(batch);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The page is closing; a fold that failed on its way out has nobody left to tell.
        }
        _stop.Dispose();
    }
}
