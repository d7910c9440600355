using Dashboard.Storage;

namespace Dashboard.Predictions;

/// <summary>What the page does after a fold.</summary>
public enum FoldOutcome
{
    Nothing,
    Render,

    /// <summary>Render, and read storage again soon (processing times arrived, points leave a sliding window, or a commit's place is unknown).</summary>
    RenderAndRead,
}

/// <summary>
/// The predictions page's state for one run and range: the totals and time buckets as read from storage, each with the
/// run event count its read saw, and the commits folded in since. Folding costs work per new point; storage is read
/// again only for what cannot be folded (see <see cref="FoldOutcome.RenderAndRead"/>).
/// </summary>
public sealed class PredictionLiveState
{
    private readonly string _run;
    private readonly TimeWindow _window;
    private long _from;
    private PredictionTotals _totals;
    private long _timelineSeen;

    /// <param name="run">The run's name.</param>
    /// <param name="window">The range.</param>
    /// <param name="from">The range's start in Unix microseconds (points before it are not counted).</param>
    /// <param name="totals">The totals as read, with the run event count of their snapshot.</param>
    /// <param name="timeline">The time buckets as read.</param>
    /// <param name="timelineSeen">The run event count the time buckets hold every commit up to (and none after).</param>
    public PredictionLiveState(string run, TimeWindow window, long from, PredictionTotals totals, PredictionTimeline timeline, long timelineSeen)
    {
        _run = run;
        _window = window;
        _from = from;
        _totals = totals;
        Timeline = timeline;
        _timelineSeen = timelineSeen;
        Summary = PredictionSummaryCalculator.Compute(run, window, totals);
    }

    public PredictionSummary Summary { get; private set; }

    public PredictionTimeline Timeline { get; private set; }

    /// <summary>The time buckets lack commits they could not place (their read overlapped commits): re-read them.</summary>
    public bool TimelineStale { get; private set; }

    public void ReplaceTotals(PredictionTotals totals, long from)
    {
        _totals = totals;
        _from = from;
        Summary = PredictionSummaryCalculator.Compute(_run, _window, totals);
    }

    public void ReplaceTimeline(PredictionTimeline timeline, long seen, bool exact)
    {
        Timeline = timeline;
        _timelineSeen = seen;
        TimelineStale = !exact;
    }

    /// <summary>Folds the commits (in commit order) into whichever part does not hold them yet.</summary>
    public FoldOutcome Fold(IEnumerable<CommittedRun> commits)
    {
        var changed = false;
        var read = false;
        foreach (var c in commits)
        {
            var forTotals = PredictionFold.Place(c, _totals.RunEvents);
            var forTimeline = PredictionFold.Place(c, _timelineSeen);
            if (forTotals == CommitPlace.Unknown)
            {
                read = true;
                TimelineStale = true;
                continue;
            }
            foreach (var e in c.AcceptedEvents)
            {
                if (forTotals == CommitPlace.New && PredictionFold.Add(_totals, e, _from))
                {
                    changed = true;
                    read |= PredictionFold.HasProcessingTime(e);
                }
                if (forTimeline == CommitPlace.New)
                {
                    changed |= PredictionFold.Add(Timeline, e);
                }
            }
        }
        if (!changed && !read)
        {
            return FoldOutcome.Nothing;
        }
        Summary = PredictionSummaryCalculator.Compute(_run, _window, _totals);
        // A range ending now loses its oldest points as time passes, which no commit announces: re-read it too.
        return read || _window.Span is not null || TimelineStale ? FoldOutcome.RenderAndRead : FoldOutcome.Render;
    }
}
