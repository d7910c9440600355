
namespace Dashboard.Storage;

/// <summary>
/// The hot insert path, called only by the single background writer: stores every pending write in one
/// transaction (points, logs, run rows and per-run rollups) and says what was committed. Implementations throw
/// a <see cref="System.Data.Common.DbException"/> or <see cref="IOException"/> when nothing could be committed;
/// the writer then answers those requests 503 and calls <see cref="Reset"/>.
/// </summary>
public interface IPointWriter : IDisposable
{
    (WriteOutcome[] Outcomes, CommittedBatch Batch) Write(IReadOnlyList<PendingWrite> writes);

    /// <summary>Drops the connection and cached ids after a failure, so the next write starts clean.</summary>
    void Reset();
}

/// <summary>
/// Receives each batch after its transaction committed (live push, /metrics folding, other instances): the
/// writer knows only this interface, never who listens. Called on the writer's thread: keep it quick.
/// </summary>
public interface ICommittedBatchSink
{
    void Publish(CommittedBatch batch);
}
