using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary>
/// Stats and token usage over any range from rollups of whole buckets plus raw points at the range's edges
/// (<see cref="RangePlan"/>), read from one snapshot of either provider. Cost grows with the number of buckets, not points.
/// </summary>
public static class RollupReading
{
    /// <summary>Up to this many points in a range, stats are computed exactly over the raw points (percentiles included).</summary>
    public const int ExactLimit = 50_000;

    /// <summary>
    /// Stats of one metric's finite values in [from, to]. Count, min and max are always exact; the mean is the exact
    /// sum over the count (summed per bucket: equal to summing point by point up to floating-point rounding);
    /// percentiles are exact up to <paramref name="exactLimit"/> points, beyond that within 1% (<see cref="QuantileSketch"/>).
    /// </summary>
    public static MetricStats Stats(IRollupSnapshot s, long runId, long metricId, long from, long to, int exactLimit = ExactLimit)
    {
        var plan = RangePlan.For(from, to);
        // Every rollup row merged into one cell, in the order read (the same sums as adding row by row).
        var whole = new RollupCell();
        foreach (var piece in plan.Rollups)
        {
            s.MergeCells(runId, metricId, piece, _ => whole);
        }
        var (count, sum, min, max, sketch) = (whole.Count, whole.Sum, whole.Min, whole.Max, whole.Sketch);
        var edges = new List<double>();
        var times = new List<long>();
        foreach (var piece in plan.Raw)
        {
            s.ReadPoints(runId, metricId, piece.From, piece.To, times, edges);
        }
        if (count + edges.Count <= exactLimit)
        {
            // Few points: exactly the raw computation (arrival-order sum, exact percentiles).
            var values = new List<double>();
            times.Clear();
            s.ReadPoints(runId, metricId, from, to, times, values);
            return MetricStats.From(values);
        }
        foreach (var v in edges)
        {
            sketch.Add(v);
            sum += v;
        }
        count += edges.Count;
        min = Math.Min(min, sketch.Min);
        max = Math.Max(max, sketch.Max);
        return new MetricStats(count, sum / count, min, max,
            sketch.Quantile(0.50), sketch.Quantile(0.90), sketch.Quantile(0.95), sketch.Quantile(0.99));
    }

    /// <summary>afterimage's get_total_token_usage from <paramref name="from"/> on: int() of each value, summed per model.</summary>
    public static TokenUsageReport TokenUsage(IRollupSnapshot s, long runId, long from)
    {
        var byModel = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var plan = RangePlan.For(from, long.MaxValue);
        string[] names = [MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens];
        for (var slot = 0; slot < names.Length; slot++)
        {
            if (s.MetricId(names[slot]) is not { } metricId)
            {
                continue;
            }
            var add = Adder(byModel, slot);
            foreach (var piece in plan.Rollups)
            {
                s.ReadIntSums(runId, metricId, piece, add);
            }
            foreach (var piece in plan.Raw)
            {
                s.ReadRawIntSums(runId, metricId, piece, add);
            }
        }
        var models = byModel.Select(m => new ModelTokenUsage(m.Key, m.Value[0], m.Value[1], m.Value[2])).ToList();
        return new TokenUsageReport(models, models.Sum(m => m.PromptTokens), models.Sum(m => m.CompletionTokens), models.Sum(m => m.TotalTokens));
    }

    private static Action<string, long> Adder(SortedDictionary<string, long[]> byModel, int slot) => (name, sum) =>
    {
        // "" is a point without a model name (rollups store it so); afterimage reports both as "unknown".
        var model = name is { Length: > 0 } ? name : "unknown";
        var sums = byModel.TryGetValue(model, out var s) ? s : byModel[model] = new long[3];
        sums[slot] += sum;
    };
}
