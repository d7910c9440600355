using Microsoft.Extensions.Options;

namespace Dashboard.Persistence;

/// <summary>
/// The bounded hand-off between ingest requests and the single writer, with one FIFO per source (an API key, or the
/// client address without one) served round-robin by points (deficit round robin): a key sending 5,000-event batches
/// cannot make another key's single events wait behind its backlog; each source gets its turn at every transaction.
/// A full queue (in requests, or in points: <see cref="IngestOptions.QueuePoints"/>) refuses at once (the endpoint answers
/// 503 with Retry-After) instead of dropping or waiting without bound.
/// </summary>
public sealed class WriteQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SourceQueue> _sources = new(StringComparer.Ordinal);
    // Sources with waiting writes, in turn order; a source goes to the back once it has had its quantum.
    private readonly LinkedList<SourceQueue> _turns = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly int _capacity;
    private readonly long _pointCapacity;
    private readonly int _quantum;
    private int _count;
    private long _points;
    private bool _closed;

    public WriteQueue(IOptions<IngestOptions> options)
    {
        _capacity = options.Value.QueueCapacity;
        _pointCapacity = options.Value.QueuePoints;
        // Points a source may take per turn before the next source's turn: small enough that one turn of a flooding
        // key is a few milliseconds of writer time, large enough that a lone key still fills a group commit quickly.
        _quantum = Math.Max(1, Math.Min(options.Value.MaxBatchPoints, 5_000));
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Points (and log lines) in the queued requests.</summary>
    public long Points
    {
        get
        {
            lock (_gate)
            {
                return _points;
            }
        }
    }

    /// <summary>False when the queue is full or closed for shutdown.</summary>
    public bool TryEnqueue(PendingWrite write)
    {
        lock (_gate)
        {
            // A request larger than the point bound alone still goes in when nothing waits (it is within the body limits).
            if (_closed || _count >= _capacity || (_count > 0 && _points + write.PointCount > _pointCapacity))
            {
                return false;
            }
            if (!_sources.TryGetValue(write.Source, out var source))
            {
                _sources[write.Source] = source = new SourceQueue(write.Source);
            }
            source.Writes.Enqueue(write);
            if (source.Turn is null)
            {
                source.Deficit = 0;
                source.Turn = _turns.AddLast(source);
            }
            _count++;
            _points += write.PointCount;
        }
        _available.Release();
        return true;
    }

    /// <summary>Waits until a write is waiting (true) or the queue is closed and empty (false).</summary>
    public async ValueTask<bool> WaitToReadAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (_count > 0)
                {
                    return true;
                }
                if (_closed)
                {
                    return false;
                }
            }
            await _available.WaitAsync();
        }
    }

    /// <summary>The next write in fair order, or false when none is waiting.</summary>
    public bool TryRead(out PendingWrite write)
    {
        lock (_gate)
        {
            while (_turns.First is { } node)
            {
                var source = node.Value;
                if (source.Deficit <= 0)
                {
                    source.Deficit += _quantum;
                }
                write = source.Writes.Dequeue();
                source.Deficit -= Math.Max(1, write.PointCount);
                _count--;
                _points -= write.PointCount;
                _turns.RemoveFirst();
                if (source.Writes.Count == 0)
                {
                    source.Turn = null;
                    _sources.Remove(source.Name);
                }
                else if (source.Deficit > 0)
                {
                    source.Turn = _turns.AddFirst(source);
                }
                else
                {
                    source.Turn = _turns.AddLast(source);
                }
                return true;
            }
            write = null!;
            return false;
        }
    }

    /// <summary>Takes no more writes; the writer drains what is queued and stops.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
        _available.Release();
    }

    private sealed class SourceQueue(string name)
    {
        public string Name { get; } = name;
        public Queue<PendingWrite> Writes { get; } = new();
        public long Deficit { get; set; }
        public LinkedListNode<SourceQueue>? Turn { get; set; }
    }
}
