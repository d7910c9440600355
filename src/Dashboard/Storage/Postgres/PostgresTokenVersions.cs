using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Keeps the writer's <see cref="TokenEventTracker"/> right when several instances write one run. The tracker remembers
/// what its own commits stored at each time, so a second writer's points at the same time would be missed (a record's
/// token counts counted as two events). Each run's event count serves as its version: every writer raises it under the
/// run's row lock, so after a batch it must equal the count the tracker's knowledge was taken at plus the batch's
/// events; if not, another writer wrote the run in between and the batch is rolled back and written again. From then
/// on that run is locked before anything is read (one more round trip) and the tracker forgets it whenever its count
/// moved, so two writers taking turns on a run cost no retries after the first.
/// </summary>
internal sealed class PostgresTokenVersions
{
    /// <summary>Beyond this many shared runs the set starts over (each run is then retried once more at most).</summary>
    private const int MaxShared = 10_000;

    private readonly HashSet<long> _shared = [];

    /// <summary>The event count of each run as of what the tracker knows of it (set by its first read and at each commit).</summary>
    public Dictionary<long, long> Known { get; } = [];

    /// <summary>The runs of the batch with a point the token rollups follow (the tracker reads and remembers their times).</summary>
    public static HashSet<long> TokenRuns(IReadOnlyList<PendingWrite> writes, long[] runIds)
    {
        var runs = new HashSet<long>();
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Events.Any(e => e.Points.Any(p => TokenEventTracker.Tracks(p.Name))))
            {
                runs.Add(runIds[i]);
            }
        }
        return runs;
    }

    /// <summary>
    /// When the batch has a shared run: locks all the batch's runs (in id order, as every writer's counters take them, so
    /// two writers never wait for each other) before the tracker reads; it forgets a run another writer wrote since.
    /// </summary>
    public void LockShared(PostgresWriteBatch batch, long[] runIds, HashSet<long> tokenRuns, TokenEventTracker tracker)
    {
        if (!tokenRuns.Any(_shared.Contains))
        {
            return;
        }
        foreach (var (runId, count) in batch.LockRuns(runIds.Distinct()))
        {
            if (!Known.TryGetValue(runId, out var known) || known != count)
            {
                tracker.Forget(runId);
            }
            Known[runId] = count;
        }
    }

    /// <summary>Throws <see cref="StaleTokenStateException"/> when a run the batch's token rollups relied on was written by another writer meanwhile.</summary>
    public void Check(HashSet<long> tokenRuns, Dictionary<long, long> counts, Dictionary<long, RunTouch> touches)
    {
        // A run missing from Known is one the tracker knows nothing of (it reads a run first, which notes its count).
        var stale = tokenRuns.Where(r => Known.TryGetValue(r, out var known) && counts[r] != known + touches[r].Events).ToList();
        if (stale.Count == 0)
        {
            return;
        }
        if (_shared.Count + stale.Count > MaxShared)
        {
            _shared.Clear();
        }
        _shared.UnionWith(stale);
        throw new StaleTokenStateException();
    }

    public void Committed(Dictionary<long, long> counts)
    {
        foreach (var (runId, count) in counts)
        {
            Known[runId] = count;
        }
    }

    /// <summary>With the tracker reset (rollback, maintenance): nothing is known; shared runs stay shared.</summary>
    public void Reset() => Known.Clear();
}

/// <summary>Another writer wrote a run whose token state this batch relied on: the batch is retried with the run locked first.</summary>
internal sealed class StaleTokenStateException() : Exception("Another writer wrote a run of the batch since this writer last saw it.");
