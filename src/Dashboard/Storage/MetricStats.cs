namespace Dashboard.Storage;

/// <summary>count, mean, min, max and percentiles of a set of values; nulls when there are none.</summary>
public sealed record MetricStats(long Count, double? Mean, double? Min, double? Max, double? P50, double? P90, double? P95, double? P99)
{
    public static readonly MetricStats Empty = new(0, null, null, null, null, null, null, null);

    public static MetricStats From(List<double> values)
    {
        if (values.Count == 0)
        {
            return Empty;
        }
        // Mean summed in arrival order, as afterimage's sum(values) / len(values) does, so figures match to the last bit.
        var sum = 0d;
        foreach (var v in values)
        {
            sum += v;
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new MetricStats(values.Count, sum / values.Count, sorted[0], sorted[^1],
            Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
    }

    /// <summary>
    /// Stats over finite values and non-finite counts together, by afterimage's arithmetic where it is well defined:
    /// count is every point; mean is what sum(values)/len(values) gives (NaN if any NaN or both infinities, else
    /// +/-Infinity if any); min and max include the infinities and leave NaN out (NaN only when every value is NaN).
    /// Percentiles stay over the finite values.
    /// </summary>
    public MetricStats With(NonFiniteCounts n)
    {
        if (n.Total == 0)
        {
            return this;
        }
        var count = Count + n.Total;
        double? mean = n.NaN > 0 || (n.PositiveInfinity > 0 && n.NegativeInfinity > 0) ? double.NaN
            : n.PositiveInfinity > 0 ? double.PositiveInfinity
            : n.NegativeInfinity > 0 ? double.NegativeInfinity
            : Mean;
        var allNaN = Count == 0 && n.PositiveInfinity == 0 && n.NegativeInfinity == 0;
        double? min = allNaN ? double.NaN : n.NegativeInfinity > 0 ? double.NegativeInfinity : Min ?? double.PositiveInfinity;
        double? max = allNaN ? double.NaN : n.PositiveInfinity > 0 ? double.PositiveInfinity : Max ?? double.NegativeInfinity;
        return this with { Count = count, Mean = mean, Min = min, Max = max };
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default), on sorted values.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }
        var rank = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

/// <summary>How many NaN, +Infinity and -Infinity points a metric has in a window.</summary>
public readonly record struct NonFiniteCounts(long NaN, long PositiveInfinity, long NegativeInfinity)
{
    public long Total => NaN + PositiveInfinity + NegativeInfinity;
}
