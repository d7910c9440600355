using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>
/// Hands the run page's prerendered first view to its interactive render (issue 10: a 10M-point run's first view under
/// 1 s). Without it the circuit's render reads the run again and, while it reads, replaces the prerendered page with an
/// empty one. The prerender parks what it read here under a random key that travels in the page through
/// PersistentComponentState; the interactive render takes it back once, and only while the run's stored metrics are
/// unchanged (any commit since, on this instance or another, and the page reads again, as before). Process-local:
/// a circuit that lands on another instance, or comes after <see cref="Lifetime"/>, finds nothing and reads.
/// </summary>
public sealed class RunPageHandoff(IMetricReader metrics, TimeProvider time)
{
    /// <summary>How long a prerendered view waits for its circuit (usually well under a second).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    /// <summary>Prerenders nobody connected to (curl, crawlers) are dropped beyond this many, oldest first.</summary>
    public const int MaxParked = 64;

    public sealed record View(string Run, RunRange Range, string? Level, RunPageLoader.Loaded Loaded, string Project,
        IReadOnlyList<JudgeFeedback> Feedback, IReadOnlyList<LogLineResponse> Logs);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (View View, DateTimeOffset At)> _parked = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _parked.Count;
            }
        }
    }

    public string Park(View view)
    {
        var key = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var old in _parked.Where(p => now - p.Value.At > Lifetime).Select(p => p.Key).ToList())
            {
                _parked.Remove(old);
            }
            while (_parked.Count >= MaxParked)
            {
                _parked.Remove(_parked.MinBy(p => p.Value.At).Key);
            }
            _parked[key] = (view, now);
        }
        return key;
    }

    /// <summary>The parked view for this page's run, range and level filter, once; null when absent, stale or changed since.</summary>
    public View? Take(string key, string run, RunRange range, string? level)
    {
        View view;
        lock (_lock)
        {
            if (!_parked.Remove(key, out var parked) || time.GetUtcNow() - parked.At > Lifetime)
            {
                return null;
            }
            view = parked.View;
        }
        if (view.Run != run || view.Level != level || view.Range.Text != range.Text
            || (range.IsCustom && (view.Range.FromMicros, view.Range.ToMicros) != (range.FromMicros, range.ToMicros)))
        {
            return null;
        }
        return Unchanged(view.Loaded) ? view : null;
    }

    /// <summary>One small read (the run's metric summaries): same metrics, same counts, same last points.</summary>
    private bool Unchanged(RunPageLoader.Loaded loaded)
    {
        var now = metrics.GetMetrics(loaded.RunId);
        return now.Count == loaded.Metrics.Count
            && now.OrderBy(m => m.Name, StringComparer.Ordinal).Zip(loaded.Metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
                .All(p => p.First.Name == p.Second.Name && p.First.Count == p.Second.Count && p.First.LastTimestamp == p.Second.LastTimestamp);
    }
}
