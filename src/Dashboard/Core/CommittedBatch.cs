namespace Dashboard.Core;

/// <summary>What one transaction committed, per run: handed to the live publisher after commit.</summary>
public sealed record CommittedBatch(IReadOnlyList<CommittedRun> Runs);

public sealed class CommittedRun(string run, string project, bool created)
{
    public string Run { get; } = run;
    public string Project { get; } = project;
    public bool Created { get; } = created;

    /// <summary>
    /// Committed by another instance and relayed as a summary (Live/LivePeerRelay): counts, aggregates and log lines
    /// only, no <see cref="AcceptedEvents"/>. A page that folds whole events reads the run from storage instead.
    /// </summary>
    public bool FromPeer { get; init; }
    public int Events { get; set; }

    /// <summary>
    /// The run's stored event count (runs.event_count) once this commit landed, or 0 when unknown (a peer's commit). Reads
    /// that report the count their snapshot saw (the prediction totals' RunEvents) can tell
    /// a commit they already hold (count at most theirs) from a later one: what a live page must not fold twice.
    /// </summary>
    public long RunEvents { get; set; }
    public Dictionary<string, MetricDelta> Metrics { get; } = new(StringComparer.Ordinal);
    public List<LogRecord> Logs { get; } = [];

    /// <summary>The events stored (duplicates left out), for consumers that fold whole events (the /metrics exporter).</summary>
    public List<ExpandedEvent> AcceptedEvents { get; } = [];
}

/// <summary>Aggregate of one metric's new points: count, sum, min, max, the latest value and how many have a model name.</summary>
public sealed class MetricDelta
{
    public long Count { get; private set; }
    public double Sum { get; private set; }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;
    public double Last { get; private set; }
    public long LastTimestamp { get; private set; } = long.MinValue;
    public long ModelPoints { get; private set; }

    /// <summary>An aggregate made elsewhere (another instance's commit, relayed for its live push).</summary>
    public static MetricDelta FromParts(long count, double sum, double min, double max, double last, long lastTimestamp, long modelPoints) =>
        new() { Count = count, Sum = sum, Min = min, Max = max, Last = last, LastTimestamp = lastTimestamp, ModelPoints = modelPoints };

    public void Add(double value, long timestamp, bool hasModel = false)
    {
        Count++;
        if (hasModel)
        {
            ModelPoints++;
        }
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        if (timestamp >= LastTimestamp)
        {
            Last = value;
            LastTimestamp = timestamp;
        }
    }

    public void Merge(MetricDelta other)
    {
        Count += other.Count;
        ModelPoints += other.ModelPoints;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        if (other.LastTimestamp >= LastTimestamp)
        {
            Last = other.Last;
            LastTimestamp = other.LastTimestamp;
        }
    }
}
