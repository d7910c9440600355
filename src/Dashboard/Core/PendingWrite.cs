namespace Dashboard.Core;

/// <summary>One request's valid events waiting for the writer; completed once they are committed.</summary>
public sealed class PendingWrite(string run, string project, IReadOnlyList<ExpandedEvent> events, long receivedAt)
{
    private readonly TaskCompletionSource<WriteOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Run { get; } = run;
    public string Project { get; } = project;
    public IReadOnlyList<ExpandedEvent> Events { get; } = events;
    public long ReceivedAt { get; } = receivedAt;
    public int PointCount { get; } = events.Sum(e => e.Points.Count + (e.Log is null ? 0 : 1));

    /// <summary>Who sent it (an API key id, or the client address): the writer serves sources in turn (see WriteQueue).</summary>
    public string Source { get; init; } = "";

    /// <summary>Completes after commit (or with <see cref="StorageUnavailableException"/>).</summary>
    public Task<WriteOutcome> Committed => _done.Task;

    internal void Complete(WriteOutcome outcome) => _done.TrySetResult(outcome);

    internal void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>What the writer stored of one request.</summary>
public sealed record WriteOutcome(int Accepted, int Duplicates, int Points);

/// <summary>The database could not take the write (locked, full, read-only, gone); nothing of it was committed.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
