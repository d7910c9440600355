namespace Dashboard.Storage;

/// <summary>
/// count and sum of one metric of one run inside a window, and how many of its values lie below the low threshold and
/// above the high one (counted only for the metric each threshold belongs to, <see cref="WindowThresholds"/>; 0 otherwise).
/// </summary>
public sealed record WindowAggregate(long Count, double Sum, long BelowLow, long AboveHigh)
{
    public double Mean => Sum / Count;
}

/// <summary>The anomaly score's two thresholds: values of <paramref name="LowMetric"/> below <paramref name="Low"/>, of
/// <paramref name="HighMetric"/> above <paramref name="High"/> (a null metric counts nothing).</summary>
public readonly record struct WindowThresholds(long? LowMetric, double Low, long? HighMetric, double High);

/// <summary>A run as the evaluator names it.</summary>
public sealed record AlertRun(string Name, string Project);

/// <summary>The newest executions of one pipeline of one run, newest first.</summary>
public sealed record PipelineExecutions(long RunId, string Pipeline, List<double> Values);

/// <summary>A run whose last batch arrived a while ago: the no-data rule's candidate.</summary>
public sealed record QuietRun(string Name, long EventCount, long LastReceivedAt);

/// <summary>
/// What alert evaluation reads from committed points. Only runs with a point inside the window are looked at
/// (runs.last_ts), so idle runs cost nothing; each run's points are found through (run_id, metric_id, ts).
/// </summary>
public interface IAlertConditionReader
{
    /// <summary>One evaluation's reads, on one connection.</summary>
    IAlertConditionSession Open();

    /// <summary>Runs that carry a goal and received data since <paramref name="since"/>: the budget rules' candidates.</summary>
    List<string> GetGoalRuns(long since, CancellationToken ct = default);
}

public interface IAlertConditionSession : IDisposable
{
    Dictionary<string, long> GetMetricIds();

    Dictionary<long, AlertRun> GetRuns();

    /// <summary>Per run and metric id: count, sum, and the threshold counts of <paramref name="thresholds"/> in [from, to]
    /// (from rollups and the window's raw edges: the answer does not grow with the points in the window).</summary>
    Dictionary<long, Dictionary<long, WindowAggregate>> GetWindowAggregates(IReadOnlyCollection<long> metricIds, WindowThresholds thresholds,
        long from, long to);

    /// <summary>Per run: the share of the metric's points carrying the most frequent metadata label.</summary>
    Dictionary<long, double> GetTopLabelShares(long metricId, long from, long to);

    /// <summary>
    /// The newest <paramref name="keep"/> points of each pipeline (metadata "pipeline") that ran inside [from, to], newest
    /// first (older executions of such a pipeline count too: "the last 20 executions"); ordered by run and pipeline.
    /// </summary>
    List<PipelineExecutions> GetRecentExecutions(long metricId, long from, long to, int keep);

    /// <summary>Calls <paramref name="onRun"/> once per run (limited to a project or run name when given) with its values of
    /// the metric in [from, to], oldest first; the list is reused between calls.</summary>
    void VisitValuesPerRun(long metricId, string? project, string? run, long from, long to, Action<string, List<double>> onRun);

    /// <summary>Runs whose last batch arrived in [oldest, silentSince] with at least <paramref name="minEvents"/> events.</summary>
    List<QuietRun> GetQuietRuns(long silentSince, long oldest, long minEvents);
}
