using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Runs;

/// <summary>
/// The live folds of open run pages, one per (run, range) however many pages show it: a page joins the fold of its run
/// and range, or starts one from the state it just loaded; the last page to leave stops it, unsubscribing from the
/// feed at once. A fixed past range never joins (no new point can fall in it).
/// </summary>
public sealed class RunLiveFolds
{
    /// <summary>Default cap on points queued for one fold's next tick (2 s of a run receiving 100,000 points/s).</summary>
    public const long DefaultMaxPendingPoints = 200_000;

    private readonly PageFeed _feed;
    private readonly TimeProvider _time;
    private readonly Func<string, RunRange, CancellationToken, RunLiveReload?> _reload;
    private readonly List<RunLiveFold> _folds = [];

    public RunLiveFolds(PageFeed feed, RunPageLoader loader, RunFeedback feedback, IMetricReader runs, IPredictionReader counts, TimeProvider time,
        IOptions<LiveOptions> options, ILogger<RunLiveFolds> logger)
        : this(feed, time, (run, range, ct) => Read(loader, feedback, runs, counts, time, run, range, ct), logger,
            options.Value.PagePendingPoints, PageSubscription.DefaultInterval)
    {
    }

    /// <param name="feed">The in-process feed of committed batches.</param>
    /// <param name="time">Drives the ticks.</param>
    /// <param name="reload">Reads a range again from storage (null for a run that is gone).</param>
    /// <param name="logger">Where a failed fold or page tick is reported.</param>
    /// <param name="maxPendingPoints">Points one fold may queue between ticks before it drops them and re-reads.</param>
    /// <param name="interval">Between ticks (1 s for pages; tests give an hour and tick by hand).</param>
    public RunLiveFolds(PageFeed feed, TimeProvider time, Func<string, RunRange, CancellationToken, RunLiveReload?> reload,
        ILogger? logger = null, long maxPendingPoints = DefaultMaxPendingPoints, TimeSpan? interval = null)
    {
        _feed = feed;
        _time = time;
        _reload = reload;
        Logger = logger ?? NullLogger.Instance;
        MaxPendingPoints = maxPendingPoints;
        Interval = interval ?? PageSubscription.DefaultInterval;
    }

    public long MaxPendingPoints { get; }
    public TimeSpan Interval { get; }
    internal ILogger Logger { get; }
    internal Lock Gate { get; } = new();

    /// <summary>Folds running now (one per run and range with pages open).</summary>
    public IReadOnlyList<RunLiveFold> Open
    {
        get
        {
            lock (Gate)
            {
                return [.. _folds];
            }
        }
    }

    /// <summary>True when points can still arrive in <paramref name="range"/>: a range ending now, or in the future.</summary>
    public static bool Follows(RunRange range, DateTimeOffset now) =>
        range.ToMicros == long.MaxValue || range.ToMicros >= Timestamps.ToMicros(now);

    /// <summary>
    /// Joins the fold of <paramref name="run"/> over <paramref name="range"/>, or starts one from the page's
    /// <paramref name="loaded"/> state. The lease's <see cref="RunLiveFold.Current"/> is what the page renders now;
    /// <paramref name="onTick"/> gets each later copy (from the fold's loop: dispatch to the page's own thread).
    /// <paramref name="loadedEvents"/> is the run event count the loaded state holds exactly, or null when unknown: a new fold
    /// then reads the range again at its first tick (commits between the page's read and the fold's subscription would
    /// otherwise never be folded).
    /// </summary>
    public RunLiveFold.Lease Join(string run, RunRange range, RunPageState loaded, long? loadedEvents, IReadOnlyList<JudgeFeedback> feedback,
        Func<RunLiveTick, Task> onTick)
    {
        lock (Gate)
        {
            var fold = _folds.FirstOrDefault(f => Fits(f, run, range, loaded.Width));
            if (fold is null)
            {
                fold = new RunLiveFold(this, run, range, loaded, loadedEvents, feedback, ct => _reload(run, range, ct), _feed, MaxPendingPoints);
                _folds.Add(fold);
                fold.Start(_time, Interval);
            }
            var lease = new RunLiveFold.Lease(fold, onTick);
            fold.Leases.Add(lease);
            return lease;
        }
    }

    /// <summary>
    /// Same run and range. A preset window ("1h") starts when its page loaded, so two pages opened a moment apart share
    /// a fold when their starts are within one bucket; a custom range only with the same bounds.
    /// </summary>
    private static bool Fits(RunLiveFold f, string run, RunRange range, long width) =>
        f.Run == run && f.Range.Text == range.Text && f.Range.ToMicros == range.ToMicros
        && (f.Range.FromMicros == range.FromMicros || (!range.IsCustom && Math.Abs(f.Range.FromMicros - range.FromMicros) <= width));

    internal async Task LeaveAsync(RunLiveFold.Lease lease)
    {
        bool last;
        lock (Gate)
        {
            lease.Fold.Leases.Remove(lease);
            last = lease.Fold.Leases.Count == 0;
            if (last)
            {
                _folds.Remove(lease.Fold);
            }
        }
        if (last)
        {
            await lease.Fold.StopAsync();
        }
    }

    /// <summary>Reads of the range retried while commits of the run land during them (then the read is marked inexact).</summary>
    private const int ReadAttempts = 3;

    /// <summary>
    /// The range read again, with the run event count it holds. The state comes from several queries that share no
    /// snapshot with the count, so the count is read before and after: when they agree no commit of the run landed in
    /// between, and the state holds exactly the commits up to it (the fold skips those and folds the later ones).
    /// </summary>
    internal static RunLiveReload? Read(RunPageLoader loader, RunFeedback feedback, IMetricReader runs, IPredictionReader counts,
        TimeProvider time, string run, RunRange range, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runId = runs.GetRunId(run, ct);
            if (runId is null)
            {
                return null;
            }
            var before = counts.GetRunEvents(runId.Value, ct);
            if (loader.Load(run, range, time.GetUtcNow(), ct) is not { } loaded)
            {
                return null;
            }
            var header = feedback.Read(run, range.FromMicros, range.ToMicros, ct);
            var after = counts.GetRunEvents(loaded.RunId, ct);
            if (before == after || attempt == ReadAttempts)
            {
                return new RunLiveReload(loaded.State, header?.Feedback ?? [], after, Exact: before == after);
            }
        }
    }
}
