using Dashboard.Core;
using Dashboard.Storage;

namespace Dashboard.Tests.Storage;

public sealed class QuantileSketchTests
{
    private static readonly double[] Quantiles = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

    public static TheoryData<string> DataSets => new()
    {
        "uniform", "normal", "constant", "zeros", "negatives", "mixed-signs", "huge-range", "pareto", "tiny-values",
        "two-values", "one-value", "three-values", "integers", "exponential",
    };

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Quantile_AnyData_WithinStatedRelativeErrorOfExact(string name)
    {
        var values = Generate(name, new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF));
        var sketch = new QuantileSketch();
        foreach (var v in values)
        {
            sketch.Add(v);
        }

        AssertWithinBound(sketch, values);
        (sketch.Count, sketch.Min, sketch.Max).Should().Be((values.Length, values.Min(), values.Max()));
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Merge_SplitAnywhere_SameAnswersAsOneSketch(string name)
    {
        var values = Generate(name, new Random(7));
        var whole = new QuantileSketch();
        var parts = Enumerable.Range(0, 5).Select(_ => new QuantileSketch()).ToArray();
        var random = new Random(11);
        foreach (var v in values)
        {
            whole.Add(v);
            parts[random.Next(parts.Length)].Add(v);
        }
        var merged = new QuantileSketch();
        foreach (var p in parts)
        {
            merged.Merge(p);
        }

        foreach (var q in Quantiles)
        {
            merged.Quantile(q).Should().Be(whole.Quantile(q));
        }
        (merged.Count, merged.Min, merged.Max, merged.ZeroCount).Should().Be((whole.Count, whole.Min, whole.Max, whole.ZeroCount));
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void MergeBytes_PartsStoredAsBytes_SameSketchAsMergingThemRead(string name)
    {
        var values = Generate(name, new Random(13));
        var parts = Enumerable.Range(0, 7).Select(_ => new QuantileSketch()).ToArray();
        var random = new Random(17);
        foreach (var v in values)
        {
            parts[random.Next(parts.Length)].Add(v);
        }
        var viaObjects = new QuantileSketch();
        var viaBytes = new QuantileSketch();

        foreach (var p in parts)
        {
            viaObjects.Merge(QuantileSketch.FromBytes(p.ToBytes()));
            viaBytes.MergeBytes(p.ToBytes());
        }

        viaBytes.ToBytes().Should().Equal(viaObjects.ToBytes());
        (viaBytes.Count, viaBytes.ZeroCount).Should().Be((viaObjects.Count, viaObjects.ZeroCount));
        foreach (var q in Quantiles)
        {
            viaBytes.Quantile(q).Should().Be(viaObjects.Quantile(q));
        }
    }

    [Fact]
    public void MergeBytes_DamagedBlob_FormatExceptionAndSketchUnchanged()
    {
        var mine = new QuantileSketch();
        mine.Add(2.5);
        mine.Add(-4);
        var before = mine.ToBytes();
        var other = new QuantileSketch();
        foreach (var v in new[] { 1.0, 3.0, 7.0, -2.0 })
        {
            other.Add(v);
        }
        var bytes = other.ToBytes();
        // Cut inside the negative side's bins: the positive side alone would decode.
        var truncated = bytes[..^1];

        var act = () => mine.MergeBytes(truncated);

        act.Should().Throw<FormatException>();
        mine.ToBytes().Should().Equal(before);
        mine.Count.Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void FromBytes_RoundTrip_SameSketch(string name)
    {
        var sketch = new QuantileSketch();
        foreach (var v in Generate(name, new Random(3)))
        {
            sketch.Add(v);
        }

        var back = QuantileSketch.FromBytes(sketch.ToBytes());

        (back.Count, back.Min, back.Max, back.ZeroCount).Should().Be((sketch.Count, sketch.Min, sketch.Max, sketch.ZeroCount));
        foreach (var q in Quantiles)
        {
            back.Quantile(q).Should().Be(sketch.Quantile(q));
        }
        back.ToBytes().Should().Equal(sketch.ToBytes());
    }

    [Fact]
    public void Quantile_Empty_Null()
    {
        new QuantileSketch().Quantile(0.5).Should().BeNull();
        QuantileSketch.FromBytes(new QuantileSketch().ToBytes()).Count.Should().Be(0);
    }

    [Fact]
    public void Quantile_TwoValues_ExactInterpolation()
    {
        var sketch = new QuantileSketch();
        sketch.Add(1);
        sketch.Add(11);

        sketch.Quantile(0.9).Should().BeApproximately(10, 1e-12);
        sketch.Quantile(0).Should().Be(1);
        sketch.Quantile(1).Should().Be(11);
    }

    [Fact]
    public void ToBytes_MinuteOfLatencies_StaysSmall()
    {
        var sketch = new QuantileSketch();
        var random = new Random(5);
        for (var i = 0; i < 60_000; i++)
        {
            sketch.Add(Math.Exp(random.NextDouble() * 4)); // 1 s .. 55 s
        }

        sketch.ToBytes().Length.Should().BeLessThan(1_200);
    }

    [Fact]
    public void Add_NonFinite_Throws()
    {
        var sketch = new QuantileSketch();

        sketch.Invoking(s => s.Add(double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        sketch.Invoking(s => s.Add(double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void FromBytes_Garbage_FormatException()
    {
        var act = () => QuantileSketch.FromBytes(new byte[] { 9, 1, 2 });

        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void FromBytes_BinCountBeyondTheBlob_FormatExceptionWithoutAllocatingIt()
    {
        var sound = new QuantileSketch();
        sound.Add(1.5);
        var bytes = sound.ToBytes();
        // Version, zero count (one byte), min and max (16 bytes), then the positive bins' count: claim 2^62 bins.
        var damaged = bytes[..18].Concat(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40 }).ToArray();

        var act = () => QuantileSketch.FromBytes(damaged);

        act.Should().Throw<FormatException>();
        QuantileSketch.FromBytes(bytes).Quantile(0.5).Should().Be(1.5);
    }

    /// <summary>
    /// Each of the two ranks numpy interpolates between is within RelativeAccuracy of its exact value, so the answer is
    /// within RelativeAccuracy of the weighted magnitudes (exactly "1% of the answer" when both ranks share a sign).
    /// </summary>
    internal static void AssertWithinBound(QuantileSketch sketch, double[] values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        foreach (var q in Quantiles)
        {
            var exact = MetricStats.Percentile(sorted, q);
            var rank = q * (sorted.Length - 1);
            var lo = (int)Math.Floor(rank);
            var hi = Math.Min(lo + 1, sorted.Length - 1);
            var f = rank - lo;
            var bound = QuantileSketch.RelativeAccuracy * ((1 - f) * Math.Abs(sorted[lo]) + f * Math.Abs(sorted[hi])) * (1 + 1e-9)
                + 2 * QuantileSketch.MinIndexable;
            var estimate = sketch.Quantile(q)!.Value;
            Math.Abs(estimate - exact).Should().BeLessThanOrEqualTo(bound, $"q={q} exact={exact} estimate={estimate}");
        }
    }

    internal static double[] Generate(string name, Random r) => name switch
    {
        "uniform" => Many(50_000, () => r.NextDouble() * 100),
        "normal" => Many(50_000, () => 10 + 3 * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())),
        "constant" => Many(10_000, () => 0.731),
        "zeros" => Many(10_000, () => r.Next(3) == 0 ? 0 : r.NextDouble()),
        "negatives" => Many(20_000, () => -Math.Exp(r.NextDouble() * 20)),
        "mixed-signs" => Many(20_000, () => (r.NextDouble() - 0.5) * Math.Exp(r.NextDouble() * 10)),
        "huge-range" => Many(20_000, () => (r.Next(2) == 0 ? -1 : 1) * Math.Pow(10, r.NextDouble() * 600 - 300)),
        "pareto" => Many(50_000, () => 1 / Math.Pow(1 - r.NextDouble(), 1 / 1.1)),
        "tiny-values" => Many(5_000, () => r.NextDouble() * 1e-305),
        "two-values" => [3.25, -1],
        "one-value" => [42],
        "three-values" => [1, 1000, 2],
        "integers" => Many(30_000, () => r.Next(0, 4_000)),
        "exponential" => Many(30_000, () => -Math.Log(1 - r.NextDouble()) * 0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static double[] Many(int n, Func<double> next) => Enumerable.Range(0, n).Select(_ => next()).ToArray();
}
