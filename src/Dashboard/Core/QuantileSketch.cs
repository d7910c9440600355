using System.Runtime.InteropServices;

namespace Dashboard.Core;

/// <summary>
/// A mergeable quantile sketch (DDSketch, Masson et al., VLDB 2019) over finite values: every value v with
/// |v| >= <see cref="MinIndexable"/> falls in a logarithmic bin whose representative is within
/// <see cref="RelativeAccuracy"/> (1%) of v, so any quantile read back is within 1% of a value of the same rank.
/// Values closer to zero than <see cref="MinIndexable"/> count as zero. Bins are never collapsed: the index range
/// of doubles is bounded (about ±36,000 bins), so the guarantee holds for any data, and a sketch of one minute of
/// one metric typically holds a few dozen bins. Sketches of disjoint sets merge exactly into the sketch of their union.
/// Count, min and max are kept exactly.
/// </summary>
public sealed partial class QuantileSketch
{
    public const double RelativeAccuracy = 0.01;
    public const double MinIndexable = 1e-300;

    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly Dictionary<int, long> _positive = [];
    private readonly Dictionary<int, long> _negative = [];

    public long Count { get; private set; }
    public long ZeroCount { get; private set; }

    /// <summary>Counts per bin of the positive values (bin i: magnitudes in (gamma^(i-1), gamma^i]).</summary>
    public IReadOnlyDictionary<int, long> PositiveBins => _positive;

    /// <summary>Counts per bin of the negative values' magnitudes.</summary>
    public IReadOnlyDictionary<int, long> NegativeBins => _negative;

    /// <summary>
    /// How many values are below <paramref name="threshold"/> (a positive value), exactly, or null when the threshold's
    /// own bin holds values (they may lie on either side of it). Bins are monotonic in the value, so every value of a
    /// lower bin is below the threshold and every value of a higher bin above it.
    /// </summary>
    public long? CountBelow(double threshold)
    {
        var edge = IndexOf(threshold);
        if (_positive.ContainsKey(edge))
        {
            return null;
        }
        var below = ZeroCount;
        foreach (var n in _negative.Values)
        {
            below += n;
        }
        foreach (var (i, n) in _positive)
        {
            below += i < edge ? n : 0;
        }
        return below;
    }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>The bin of |v| (only meaningful for |v| >= MinIndexable); computed once when one value feeds several sketches.</summary>
    public static int IndexOf(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) / LogGamma);

    /// <summary>The value a bin stands for: within RelativeAccuracy of every magnitude in (gamma^(i-1), gamma^i].</summary>
    public static double ValueOf(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    public void Add(double value)
    {
        var magnitude = Math.Abs(value);
        Add(value, magnitude >= MinIndexable ? IndexOf(magnitude) : 0);
    }

    /// <summary>Adds a value whose bin the caller computed with <see cref="IndexOf"/> (ignored for near-zero values).</summary>
    public void Add(double value, int index)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Only finite values are sketched.");
        }
        if (Math.Abs(value) < MinIndexable)
        {
            ZeroCount++;
        }
        else
        {
            var bins = value > 0 ? _positive : _negative;
            bins[index] = bins.GetValueOrDefault(index) + 1;
        }
        Count++;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }

    public void Merge(QuantileSketch other)
    {
        // One hash lookup per bin (a run page's first view merges tens of thousands of rollup sketches).
        foreach (var (i, n) in other._positive)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_positive, i, out _) += n;
        }
        foreach (var (i, n) in other._negative)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_negative, i, out _) += n;
        }
        ZeroCount += other.ZeroCount;
        Count += other.Count;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The q-quantile with numpy's default (linear interpolation between closest ranks), as <c>MetricStats</c> computes
    /// it exactly; each of the two ranks is read from the sketch (within 1%) and clamped to the exact [min, max].
    /// Null when empty.
    /// </summary>
    public double? Quantile(double q)
    {
        if (Count == 0)
        {
            return null;
        }
        var rank = q * (Count - 1);
        var lo = (long)Math.Floor(rank);
        var hi = Math.Min(lo + 1, Count - 1);
        var (a, b) = (ValueAtRank(lo), ValueAtRank(hi));
        return a + (b - a) * (rank - lo);
    }

    /// <summary>The value of 0-based rank r in sorted order, as the sketch knows it.</summary>
    private double ValueAtRank(long r)
    {
        if (r <= 0)
        {
            return Min;
        }
        if (r >= Count - 1)
        {
            return Max;
        }
        var seen = 0L;
        // Sorted order: the most negative values (largest |v| bins) first, then zeros, then positives ascending.
        foreach (var (i, n) in _negative.OrderByDescending(b => b.Key))
        {
            seen += n;
            if (seen > r)
            {
                return Clamp(-ValueOf(i));
            }
        }
        seen += ZeroCount;
        if (seen > r)
        {
            return Clamp(0);
        }
        foreach (var (i, n) in _positive.OrderBy(b => b.Key))
        {
            seen += n;
            if (seen > r)
            {
                return Clamp(ValueOf(i));
            }
        }
        return Max;
    }

    private double Clamp(double v) => Math.Min(Max, Math.Max(Min, v));
}
