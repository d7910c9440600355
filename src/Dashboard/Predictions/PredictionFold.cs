using Dashboard.Storage;
using Dashboard.Storage.Rollups;

namespace Dashboard.Predictions;

/// <summary>Where a commit stands against state read from storage at a known run event count.</summary>
public enum CommitPlace
{
    /// <summary>The read already holds it: folding it would count it twice.</summary>
    Held,

    /// <summary>Committed after the read's snapshot: fold it.</summary>
    New,

    /// <summary>Cannot tell (a peer's commit, relayed without events or count): read storage again.</summary>
    Unknown,
}

/// <summary>
/// Folds committed events into state read from storage, exactly as storage counts them (label from the point's metadata,
/// as the writer's rollups read it). Which commits to fold is decided by the run's event count: the writer returns
/// runs.event_count after each commit (<see cref="CommittedRun.RunEvents"/>) and a read reports the count its snapshot
/// saw (<see cref="PredictionTotals.RunEvents"/>); a run's count only grows, commit by commit, so a commit is in the
/// read exactly when its count is at most the read's. Event ids or timestamps could not decide it (events may carry
/// neither, or old times), and a commit's publish may come before or after the read whatever order the page chose.
/// </summary>
public static class PredictionFold
{
    public static CommitPlace Place(CommittedRun commit, long seen) =>
        commit.FromPeer || (commit.RunEvents == 0 && commit.Events > 0) ? CommitPlace.Unknown
        : commit.RunEvents <= seen ? CommitPlace.Held
        : CommitPlace.New;

    /// <summary>Adds <paramref name="e"/>'s prediction points at or after <paramref name="from"/>; returns whether any counted.</summary>
    public static bool Add(PredictionTotals totals, ExpandedEvent e, long from = long.MinValue)
    {
        var folded = false;
        foreach (var p in e.Points)
        {
            if (p.Timestamp < from || !double.IsFinite(p.Value))
            {
                continue;
            }
            if (p.Name == MetricNames.PredictionConfidence)
            {
                totals.AddConfidence(p.Timestamp, p.Value, MetadataText.Get(p.MetadataJson, "label"));
                folded = true;
            }
            else if (p.Name == MetricNames.PredictionError)
            {
                totals.Errors++;
                folded = true;
            }
        }
        return folded;
    }

    /// <summary>Adds <paramref name="e"/>'s confidences and errors to the time buckets of their own timestamps.</summary>
    public static bool Add(PredictionTimeline timeline, ExpandedEvent e)
    {
        var folded = false;
        foreach (var p in e.Points)
        {
            if (!double.IsFinite(p.Value))
            {
                continue;
            }
            if (p.Name == MetricNames.PredictionConfidence)
            {
                timeline.Fold(p.Timestamp, 1, p.Value, 0);
                folded = true;
            }
            else if (p.Name == MetricNames.PredictionError)
            {
                timeline.Fold(p.Timestamp, 0, 0, 1);
                folded = true;
            }
        }
        return folded;
    }

    /// <summary>Whether the event carries a processing time (whose percentiles need a re-read).</summary>
    public static bool HasProcessingTime(ExpandedEvent e) => e.Points.Any(p => p.Name == MetricNames.PredictionProcessingTime);
}
