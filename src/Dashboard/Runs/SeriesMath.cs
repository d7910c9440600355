namespace Dashboard.Runs;

/// <summary>Server-side chart arithmetic: rolling means, decimation to a drawable size, histograms.</summary>
public static class SeriesMath
{
    /// <summary>The most points a chart line ever receives, whatever the run size.</summary>
    public const int MaxChartPoints = 1000;

    /// <summary>
    /// Trailing mean over <paramref name="window"/> values, as pandas' rolling(window, min_periods=1).mean():
    /// the first values average what exists so far, so a short run still draws a line.
    /// </summary>
    public static double[] RollingMean(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        var sum = 0d;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window)
            {
                sum -= values[i - window];
            }
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    /// <summary>Evenly spaced samples of a line (first and last kept), so the browser never gets more than max points.</summary>
    public static List<double[]> Decimate(IReadOnlyList<long> timesMicros, IReadOnlyList<double> values, int max = MaxChartPoints)
    {
        var n = values.Count;
        var take = Math.Min(n, max);
        var points = new List<double[]>(take);
        for (var i = 0; i < take; i++)
        {
            var index = take == 1 ? n - 1 : (int)Math.Round((double)i * (n - 1) / (take - 1));
            points.Add([timesMicros[index] / 1000d, values[index]]);
        }
        return points;
    }

    /// <summary>Equal-width bins between the smallest and largest value (one bin when all values are equal).</summary>
    public static IReadOnlyList<HistogramBin> Histogram(IReadOnlyList<double> values, int maxBins = 30)
    {
        if (values.Count == 0)
        {
            return [];
        }
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (max == min)
        {
            return [new HistogramBin(min, max, values.Count)];
        }
        // Whole numbers over a short span (conversation lengths) get one bin per value, not 1.43-1.86.
        if (values.All(v => v == Math.Floor(v)) && max - min < maxBins)
        {
            var whole = new long[(int)(max - min) + 1];
            foreach (var v in values)
            {
                whole[(int)(v - min)]++;
            }
            return whole.Select((c, i) => new HistogramBin(min + i, min + i, c)).ToList();
        }
        var bins = Math.Clamp((int)Math.Ceiling(Math.Sqrt(values.Count)), 1, maxBins);
        var width = (max - min) / bins;
        var counts = new long[bins];
        foreach (var v in values)
        {
            counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        }
        return counts.Select((c, i) => new HistogramBin(min + i * width, i == bins - 1 ? max : min + (i + 1) * width, c)).ToList();
    }
}

public sealed record HistogramBin(double Lower, double Upper, long Count);
