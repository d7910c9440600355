namespace Dashboard.Storage;

/// <summary>
/// Run deletion and retention. Deleting is two steps: marking (one short transaction: the run vanishes from every
/// read at once and its name can be sent again) and purging what it left behind, in short batches that let the
/// writer's commits go in between, resumable after a crash. Times are Unix microseconds.
/// </summary>
public interface IRunDeletionStore
{
    /// <summary>Marks the run deleted; with <paramref name="receivedBefore"/>, only if it received nothing since. True when marked.</summary>
    bool MarkDeleted(string run, long now, long? receivedBefore = null);

    /// <summary>Names of runs whose last event was received before <paramref name="cutoff"/>.</summary>
    IReadOnlyList<string> GetRunsReceivedBefore(long cutoff);

    /// <summary>Deletes points and logs timed before <paramref name="cutoff"/> in batches, then recounts the runs' point counts.</summary>
    (long Points, long Logs) DeleteBefore(long cutoff, CancellationToken stop);

    /// <summary>How many deleted runs still wait for their purge.</summary>
    long CountPendingPurges();

    /// <summary>The deleted run marked first whose rows are not purged yet.</summary>
    (long Id, string Name)? GetNextPurge();

    /// <summary>Removes the deleted run's rows in batches; returns how many went. Stops early when <paramref name="stop"/> fires.</summary>
    long Purge(long runId, CancellationToken stop);

    /// <summary>The purge of the run is complete: forget it.</summary>
    void FinishPurge(long runId);
}
