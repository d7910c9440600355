using Dashboard.Storage;

namespace Dashboard.Live;

/// <summary>
/// Collects committed batches between pushes. The writer hands over each commit here and moves on;
/// <see cref="LivePushService"/> takes the merged result a few times a second, so a run that gets
/// a thousand requests a second still costs its browsers only a few messages.
/// </summary>
public sealed class LivePublisher : ICommittedBatchSink
{
    private readonly Lock _gate = new();
    private Dictionary<string, PendingRun> _pending = new(StringComparer.Ordinal);

    public void Publish(CommittedBatch batch)
    {
        lock (_gate)
        {
            foreach (var run in batch.Runs)
            {
                if (!_pending.TryGetValue(run.Run, out var p))
                {
                    _pending[run.Run] = p = new PendingRun(run.Run, run.Project);
                }
                p.Created |= run.Created;
                p.Events += run.Events;
                foreach (var (name, delta) in run.Metrics)
                {
                    if (p.Metrics.TryGetValue(name, out var existing))
                    {
                        existing.Merge(delta);
                    }
                    else
                    {
                        var copy = new MetricDelta();
                        copy.Merge(delta);
                        p.Metrics[name] = copy;
                    }
                }
                p.Logs.AddRange(run.Logs);
            }
        }
    }

    /// <summary>Everything published since the last call, and an empty slate.</summary>
    public IReadOnlyCollection<PendingRun> TakeAll()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return [];
            }
            var taken = _pending.Values;
            _pending = new Dictionary<string, PendingRun>(StringComparer.Ordinal);
            return taken;
        }
    }

    public sealed class PendingRun(string run, string project)
    {
        public string Run { get; } = run;
        public string Project { get; } = project;
        public bool Created { get; set; }
        public int Events { get; set; }
        public Dictionary<string, MetricDelta> Metrics { get; } = new(StringComparer.Ordinal);
        public List<LogRecord> Logs { get; } = [];
    }
}
