using Dashboard.Storage;

namespace Dashboard.Export;

/// <summary>
/// An export's plan, read inside one storage snapshot (<see cref="IExportSnapshot"/>), so the plan (counts, metadata keys)
/// and the streamed points see the same data even while the writer keeps committing.
/// </summary>
public sealed class ExportSource(IExportSnapshot snapshot) : IDisposable
{
    internal IExportSnapshot Snapshot => snapshot;

    public long? GetRunId(string run) => snapshot.GetRunId(run);

    /// <summary>The run's metric names (all, or those asked for) that were never stored for it.</summary>
    public IReadOnlyList<string> GetUnknownNames(long runId, IReadOnlyList<string> names)
    {
        var known = snapshot.GetRunMetrics(runId).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return names.Where(n => !known.Contains(n)).ToList();
    }

    /// <summary>
    /// What the header needs, per metric: its point count in range, whether any point has a model name, and its metadata
    /// keys. No pass over the points: the writer keeps per run and metric the point count, how many have a model name
    /// and per metadata key how many values are numbers or other non-null values.
    /// </summary>
    public ExportPlan GetPlan(long runId, ExportRequest request)
    {
        var metrics = snapshot.GetRunMetrics(runId);
        if (request.Names is { } names)
        {
            var wanted = names.ToHashSet(StringComparer.Ordinal);
            metrics = metrics.Where(m => wanted.Contains(m.Name)).ToList();
        }
        var keyStats = snapshot.GetKeyCounts(runId);
        var list = new List<ExportMetric>(metrics.Count);
        foreach (var m in metrics)
        {
            var (count, modelPoints) = snapshot.CountInRange(runId, m, request.From, request.To);
            // The keys are those of the run's whole extent: for a narrower range a key may have no value in range and
            // then becomes an all-null column (acceptable; counting keys in range would mean reading every point).
            var keys = count == 0 ? [] : ExportPlan.Keys(keyStats.Where(k => k.MetricId == m.Id).Select(k => (k.Key, k.Numeric, k.Other)));
            list.Add(new ExportMetric(m.Id, m.Name, count, modelPoints > 0, keys));
        }
        var present = list.Where(m => m.Count > 0).Select(m => m.Id).ToHashSet();
        var allKeys = ExportPlan.Keys(keyStats.Where(k => present.Contains(k.MetricId)).Select(k => (k.Key, k.Numeric, k.Other)));
        // One-table formats may read a wide export with one scan in storage order, when storage says that is cheaper.
        var wide = request.Format is ExportFormat.Parquet or ExportFormat.CsvLong && snapshot.PrefersStorageOrder(list.Sum(m => m.Count));
        return new ExportPlan(request, list, allKeys) { TableOrder = wide };
    }

    public void Dispose() => snapshot.Dispose();
}
