namespace Dashboard.Storage;

/// <summary>The run page's first view: every finite point of a run's metric in a range, with its model name.</summary>
public interface IRunPointVisitor
{
    /// <summary>
    /// Calls <paramref name="visit"/>(ts µs, value, model name or null) for each finite point of <paramref name="name"/>
    /// in [from, to], in no particular order (the page buckets them). Nothing when the run or metric has none.
    /// </summary>
    void VisitPoints(long runId, string name, long from, long to, Action<long, double, string?> visit, CancellationToken ct = default);
}
