using Dashboard.Live;

namespace Dashboard.Runs;

/// <summary>What the pages of one shared fold render after a tick: an immutable copy, never the state being folded.</summary>
/// <param name="State">A copy nobody mutates (pages read it on their own dispatchers while the fold goes on).</param>
/// <param name="Feedback">The newest judge feedback in range.</param>
/// <param name="Logs">Log lines committed since the previous tick, oldest first (every level: each page filters).</param>
/// <param name="LastEventMicros">The newest event time folded so far (long.MinValue when none).</param>
/// <param name="Reread">The state was re-read from storage (the fold fell behind, or a peer committed) or log lines were
/// dropped: a page reads its log lines again instead of adding <paramref name="Logs"/>.</param>
public sealed record RunLiveTick(RunPageState State, IReadOnlyList<JudgeFeedback> Feedback, IReadOnlyList<LogRecord> Logs,
    long LastEventMicros, bool Reread);

/// <summary>
/// A re-read of the fold's range from storage, and the run's event count (runs.event_count) it holds. Exact: the count was
/// the same before and after the read, so the state holds exactly the commits up to it; when false (commits kept landing),
/// the count is the one after, and the fold reads again at its next tick.
/// </summary>
public sealed record RunLiveReload(RunPageState State, IReadOnlyList<JudgeFeedback> Feedback, long RunEvents, bool Exact = true);

/// <summary>
/// One run's live state for one range, shared by every page open on it (<see cref="RunLiveFolds"/>): one subscription
/// to the feed, one fold per tick, one copy per tick that all its pages render. So live work grows with the new points,
/// not with the pages. Commits wait for the tick in a queue bounded by points: past the cap the queue is dropped and the
/// next tick re-reads the range from storage (rollups answer it in milliseconds), so a fold that falls behind costs
/// one read instead of unbounded memory.
/// </summary>
public sealed class RunLiveFold
{
    private const int MaxPendingLogs = 1000;

    private readonly RunLiveFolds _owner;
    private readonly Func<CancellationToken, RunLiveReload?> _reload;
    private readonly long _maxPendingPoints;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private List<CommittedRun> _pending = [];
    private List<LogRecord> _logs = [];
    private long _pendingPoints;
    private bool _stale;
    private bool _logsDropped;
    private Task _loop = Task.CompletedTask;

    // Touched only by the tick (one at a time).
    private RunPageState _folding;
    private IReadOnlyList<JudgeFeedback> _feedback;
    private long _lastEvent;
    private long _seenEvents;
    private volatile RunLiveTick _current;

    // loadedEvents: the run's event count the loaded state holds exactly, or null when unknown: then the first tick reads the
    // range again, as commits between the page's read and this subscription would otherwise be missing. With a count, a
    // gap before the first commit seen shows the same (Fold).
    internal RunLiveFold(RunLiveFolds owner, string run, RunRange range, RunPageState loaded, long? loadedEvents,
        IReadOnlyList<JudgeFeedback> feedback, Func<CancellationToken, RunLiveReload?> reload, PageFeed feed, long maxPendingPoints)
    {
        _owner = owner;
        Run = run;
        Range = range;
        _reload = reload;
        _maxPendingPoints = maxPendingPoints;
        // The page's loaded state is the first copy pages render; the fold works on a copy of its own.
        _folding = loaded.Clone();
        _feedback = feedback;
        _lastEvent = loaded.LastTs;
        _current = new RunLiveTick(loaded, feedback, [], loaded.LastTs, false);
        _seenEvents = loadedEvents ?? 0;
        _stale = loadedEvents is null;
        _subscription = feed.Subscribe(run, Enqueue);
    }

    public string Run { get; }
    public RunRange Range { get; }

    /// <summary>What a page joining now renders first.</summary>
    public RunLiveTick Current => _current;

    /// <summary>Pages sharing this fold (changed under the owner's lock).</summary>
    internal List<Lease> Leases { get; } = [];

    /// <summary>How many pages share this fold now.</summary>
    public int Pages
    {
        get
        {
            lock (_owner.Gate)
            {
                return Leases.Count;
            }
        }
    }

    /// <summary>Points folded in total, re-reads from storage and commits dropped at the cap (tests and the bench read them).</summary>
    public long FoldedPoints { get; private set; }
    public int Reloads { get; private set; }
    public long DroppedCommits { get; private set; }

    /// <summary>Points waiting for the next tick (at most the cap).</summary>
    public long PendingPoints
    {
        get
        {
            lock (_gate)
            {
                return _pendingPoints;
            }
        }
    }

    internal void Start(TimeProvider time, TimeSpan interval) => _loop = LoopAsync(time, interval, _stop.Token);

    /// <summary>On the writer's thread: an enqueue and a count, nothing more.</summary>
    private void Enqueue(CommittedRun commit)
    {
        long points = 0;
        foreach (var m in commit.Metrics.Values)
        {
            points += m.Count;
        }
        lock (_gate)
        {
            AddLogs(commit.Logs);
            if (_stale)
            {
                DroppedCommits++;
                return;
            }
            // A peer's commit carries no events to fold: the next tick reads the range (its points included) from storage.
            if (commit.FromPeer || _pendingPoints + points > _maxPendingPoints)
            {
                DroppedCommits += _pending.Count + 1;
                _pending = [];
                _pendingPoints = 0;
                _stale = true;
                return;
            }
            _pending.Add(commit);
            _pendingPoints += points;
        }
    }

    private void AddLogs(List<LogRecord> logs)
    {
        if (logs.Count == 0)
        {
            return;
        }
        _logs.AddRange(logs);
        if (_logs.Count > MaxPendingLogs)
        {
            // A page shows the newest RunLogs.Limit lines of its level; past this many it reads them again instead.
            _logs.RemoveRange(0, _logs.Count - MaxPendingLogs);
            _logsDropped = true;
        }
    }

    private async Task LoopAsync(TimeProvider time, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var started = RuntimeTimings.Start();
                    await TickAsync(ct);
                    RuntimeTimings.Add(RuntimeTimings.Kind.FoldTick, started);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // A failed fold or read leaves the state unknown: the next tick reads the range again.
                    _owner.Logger.LogWarning(ex, "Live fold of run {Run} failed; re-reading it at the next tick", Run);
                    lock (_gate)
                    {
                        (_pending, _pendingPoints, _stale) = ([], 0, true);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Folds what arrived since the last tick (or re-reads the range when the queue was dropped), copies the state once
    /// and hands the copy to every page. Returns false when nothing arrived. The loop calls it once per interval; tests
    /// call it directly.
    /// </summary>
    public async Task<bool> TickAsync(CancellationToken ct = default)
    {
        List<CommittedRun> commits;
        List<LogRecord> logs;
        bool stale, logsDropped;
        lock (_gate)
        {
            (commits, logs, stale, logsDropped) = (_pending, _logs, _stale, _logsDropped);
            if (commits.Count == 0 && logs.Count == 0 && !stale)
            {
                return false;
            }
            (_pending, _logs, _pendingPoints, _logsDropped) = ([], [], 0, false);
        }
        if (stale)
        {
            Reload(ct);
        }
        else if (!Fold(commits))
        {
            // A commit before those queued here is in neither the state nor the queue: read the range again.
            Reload(ct);
            stale = true;
        }
        var tick = new RunLiveTick(_folding.Clone(), _feedback, logs, _lastEvent, stale || logsDropped);
        _current = tick;
        Lease[] leases;
        lock (_owner.Gate)
        {
            leases = [.. Leases];
        }
        await Task.WhenAll(leases.Select(l => l.DeliverAsync(tick)));
        return true;
    }

    private void Reload(CancellationToken ct)
    {
        // Cleared before the read: commits arriving during it queue up, and those the read already holds are skipped
        // by their run event count.
        lock (_gate)
        {
            _stale = false;
        }
        Reloads++;
        var started = RuntimeTimings.Start();
        var read = _reload(ct);
        RuntimeTimings.Add(RuntimeTimings.Kind.FoldReload, started);
        if (read is { } fresh)
        {
            _folding = fresh.State;
            _feedback = fresh.Feedback;
            _seenEvents = fresh.RunEvents;
            _lastEvent = Math.Max(_lastEvent, fresh.State.LastTs);
            if (!fresh.Exact)
            {
                // Commits kept landing during the read: which of them it holds is unknown, so none of the queued ones is
                // folded (none twice) and the next tick reads again.
                lock (_gate)
                {
                    DroppedCommits += _pending.Count;
                    (_pending, _pendingPoints, _stale) = ([], 0, true);
                }
            }
        }
    }

    /// <summary>
    /// Folds the queued commits in commit order. A commit whose run event count is at most the one the state holds is
    /// already in it (skipped); one whose count before it (its count less its events) is above that follows a commit
    /// that was never queued here: false, and the caller reads the range again.
    /// </summary>
    private bool Fold(List<CommittedRun> commits)
    {
        var s = _folding;
        foreach (var commit in commits)
        {
            if (commit.RunEvents > 0)
            {
                if (commit.RunEvents <= _seenEvents)
                {
                    continue;
                }
                if (commit.RunEvents - commit.Events > _seenEvents)
                {
                    return false;
                }
                _seenEvents = commit.RunEvents;
            }
            var scores = false;
            foreach (var name in commit.Metrics.Keys)
            {
                scores |= name.StartsWith(RunFeedback.ScorePrefix, StringComparison.Ordinal);
            }
            foreach (var e in commit.AcceptedEvents)
            {
                s.AddEvent(e);
                FoldedPoints += e.Points.Count;
                _lastEvent = Math.Max(_lastEvent, e.Timestamp);
            }
            if (scores)
            {
                _feedback = RunFeedback.Fold(_feedback, commit.AcceptedEvents.SelectMany(e => e.Points), s.From, s.To);
            }
        }
        return true;
    }

    /// <summary>Unsubscribes at once (the writer stops handing it commits) and waits for a tick in progress.</summary>
    internal async Task StopAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The last page closed; a tick that failed on its way out has nobody left to tell.
        }
        lock (_gate)
        {
            (_pending, _logs, _pendingPoints) = ([], [], 0);
        }
        _stop.Dispose();
    }

    /// <summary>One page's share of the fold: disposing it leaves; the last page to leave stops the fold.</summary>
    public sealed class Lease : IAsyncDisposable
    {
        private readonly Func<RunLiveTick, Task> _onTick;
        private int _disposed;

        internal Lease(RunLiveFold fold, Func<RunLiveTick, Task> onTick)
        {
            Fold = fold;
            _onTick = onTick;
        }

        public RunLiveFold Fold { get; }

        internal async Task DeliverAsync(RunLiveTick tick)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            try
            {
                await _onTick(tick);
            }
            catch (Exception ex)
            {
                // A page that closed while its render was queued, or one whose render failed: the others go on.
                if (Volatile.Read(ref _disposed) == 0)
                {
                    Fold._owner.Logger.LogWarning(ex, "A live run page failed to take a tick of run {Run}", Fold.Run);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await Fold._owner.LeaveAsync(this);
            }
        }
    }
}
