namespace Dashboard.Runs;

/// <summary>
/// A distribution folded point by point into fine logarithmic bins (the quantile sketch's 1% bins), from which
/// any round 1-2-5 histogram is cut on demand: linear (equal widths) or logarithmic (1, 2, 5, 10, 20...).
/// Adding a point is O(1), so a live page folds new points without keeping the run's values. When every value is a
/// whole number (conversation lengths, token counts) the bins are whole numbers too: width at least 1, edges on integers.
/// </summary>
public sealed class ValueHistogram
{
    private readonly Dictionary<int, long> _fine = [];
    private long _zeros;
    private bool _fractional;

    public long Count { get; private set; }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;
    public QuantileSketch Sketch { get; } = new();

    /// <summary>Every value is a whole number (so far): bins are [n, n + width) with integer n and width.</summary>
    public bool IsIntegral => Count > 0 && !_fractional;

    public void Add(double value)
    {
        if (double.IsFinite(value))
        {
            var magnitude = Math.Abs(value);
            Add(value, magnitude >= QuantileSketch.MinIndexable ? QuantileSketch.IndexOf(magnitude) : 0);
        }
    }

    /// <summary>
    /// Adds a finite value whose bin (<see cref="QuantileSketch.IndexOf"/> of its magnitude) the caller computed: a live
    /// fold computes it once per point for every sketch the point feeds (a logarithm each otherwise).
    /// </summary>
    public void Add(double value, int index)
    {
        Count++;
        _fractional |= value != Math.Round(value);
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        Sketch.Add(value, index);
        // Below MinIndexable exactly as the sketch counts zeros, so Merge(sketch) equals adding its values one by one.
        if (value < QuantileSketch.MinIndexable)
        {
            _zeros++;
        }
        else
        {
            _fine[index] = _fine.GetValueOrDefault(index) + 1;
        }
    }

    /// <summary>Folds another histogram in exactly, its whole-number flag included (copies of a live state).</summary>
    public void Merge(ValueHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }
        Count += other.Count;
        _fractional |= other._fractional;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Sketch.Merge(other.Sketch);
        _zeros += other._zeros;
        foreach (var (i, n) in other._fine)
        {
            _fine[i] = _fine.GetValueOrDefault(i) + n;
        }
    }

    /// <summary>Folds a sketch of finite values (a rollup's): the same as adding each of them (zeros and negatives as zeros).</summary>
    public void Merge(QuantileSketch sketch)
    {
        if (sketch.Count == 0)
        {
            return;
        }
        Count += sketch.Count;
        _fractional |= !LooksIntegral(sketch);
        Min = Math.Min(Min, sketch.Min);
        Max = Math.Max(Max, sketch.Max);
        Sketch.Merge(sketch);
        _zeros += sketch.ZeroCount + sketch.NegativeBins.Values.Sum();
        foreach (var (i, n) in sketch.PositiveBins)
        {
            _fine[i] = _fine.GetValueOrDefault(i) + n;
        }
    }

    /// <summary>Round bins covering [min, max]: about <paramref name="target"/> equal 1-2-5 widths, or 1-2-5 decades when logarithmic.</summary>
    public IReadOnlyList<HistogramBar> Bins(bool logarithmic, int target = 20)
    {
        if (Count == 0)
        {
            return [];
        }
        var integral = IsIntegral;
        var edges = logarithmic ? LogEdges(Min, Max, integral) : LinearEdges(Min, Max, target, integral);
        var counts = new long[edges.Count - 1];
        void Put(double v, long n)
        {
            var i = UpperBound(edges, v) - 1;
            counts[Math.Clamp(i, 0, counts.Length - 1)] += n;
        }
        if (_zeros > 0)
        {
            Put(Math.Max(0, Min), _zeros);
        }
        foreach (var (i, n) in _fine)
        {
            // The fine bin's representative, held inside the exact [min, max] so edge bins stay right.
            // Whole numbers: the representative (within 1%) rounds back to the value itself below 50, and above that a
            // fine bin spans several integers anyway.
            var v = Math.Clamp(QuantileSketch.ValueOf(i), Min, Max);
            Put(integral ? Math.Round(v) : v, n);
        }
        return [.. counts.Select((n, i) => new HistogramBar(edges[i], edges[i + 1], n))];
    }

    internal static List<double> LinearEdges(double min, double max, int target, bool integral = false)
    {
        var width = NiceStep((max - min) / target);
        if (width <= 0)
        {
            width = NiceStep(Math.Max(Math.Abs(min), 1) / 10);
        }
        if (integral)
        {
            // 1-2-5 steps of at least 1 are whole numbers, and so is floor(min / width) * width.
            width = Math.Max(1, width);
        }
        var start = Math.Floor(min / width) * width;
        var edges = new List<double> { start };
        while (edges[^1] <= max && edges.Count <= target * 2 + 2)
        {
            edges.Add(Math.Round(start + edges.Count * width, 12));
        }
        return edges;
    }

    internal static List<double> LogEdges(double min, double max, bool integral = false)
    {
        var lo = NiceStep(Math.Max(min, max / 1e6));
        if (integral)
        {
            lo = Math.Max(1, lo);
        }
        if (lo <= 0)
        {
            lo = 1e-3;
        }
        var edges = new List<double>();
        if (min < lo)
        {
            edges.Add(Math.Min(0, min));
        }
        edges.Add(lo);
        while (edges[^1] <= max)
        {
            edges.Add(Next125(edges[^1]));
        }
        return edges;
    }

    /// <summary>
    /// A rollup's sketch keeps no values, only 1% bins: it counts as whole numbers when its min and max are and every
    /// bin's representative lies within the sketch's 1% of a whole number (continuous values rarely pass all three).
    /// </summary>
    private static bool LooksIntegral(QuantileSketch sketch)
    {
        static bool Near(double v) => Math.Abs(v - Math.Round(v)) <= 0.011 * Math.Abs(v) + 1e-9;
        return sketch.Min == Math.Round(sketch.Min) && sketch.Max == Math.Round(sketch.Max)
            && sketch.PositiveBins.Keys.All(i => Near(QuantileSketch.ValueOf(i)))
            && sketch.NegativeBins.Keys.All(i => Near(QuantileSketch.ValueOf(i)));
    }

    /// <summary>The largest 1, 2 or 5 times a power of ten at or below x (x > 0).</summary>
    internal static double NiceStep(double x)
    {
        if (x <= 0 || !double.IsFinite(x))
        {
            return 0;
        }
        var p = Math.Pow(10, Math.Floor(Math.Log10(x)));
        var m = x / p;
        return Math.Round((m >= 5 ? 5 : m >= 2 ? 2 : 1) * p, 12);
    }

    private static double Next125(double edge)
    {
        var p = Math.Pow(10, Math.Floor(Math.Log10(edge) + 1e-9));
        var m = Math.Round(edge / p);
        return Math.Round((m < 2 ? 2 : m < 5 ? 5 : 10) * p, 12);
    }

    private static int UpperBound(List<double> edges, double v)
    {
        int lo = 0, hi = edges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (edges[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}

/// <summary>One histogram bar: [Lo, Hi) and how many values fell in it.</summary>
public readonly record struct HistogramBar(double Lo, double Hi, long Count)
{
    /// <summary>The bar's range as a reader counts it: whole numbers Lo..Hi-1 when integral, else [Lo, Hi).</summary>
    public (double From, double To) Shown(bool integral) => integral ? (Lo, Hi - 1) : (Lo, Hi);
}
