namespace Dashboard.Storage;

/// <summary>Chooses a bucket width so that a series never has more than <see cref="IMetricReader.MaxBuckets"/> buckets.</summary>
public static class SeriesStep
{
    // Round widths a person reads easily on an axis, in microseconds.
    private static readonly long[] Nice =
    [
        1_000, 10_000, 100_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 15_000_000, 30_000_000,
        60_000_000, 120_000_000, 300_000_000, 600_000_000, 900_000_000, 1_800_000_000, 3_600_000_000,
        7_200_000_000, 21_600_000_000, 43_200_000_000, 86_400_000_000,
    ];

    public const int DefaultBuckets = 300;

    /// <summary>
    /// A series with an open start (from the metric's first point, <paramref name="first"/>): the step as
    /// <see cref="Choose"/> picks it, and buckets starting on a multiple of the step (counted from 1970) at or before
    /// the first point, so a step of whole seconds lines its buckets up with the 1 s / 1 min / 1 h rollup buckets and
    /// the series is read from rollups (a grid from the first point's microsecond cut a second at every bucket edge,
    /// whose points were then read raw). Nothing lies before the first point, so the buckets hold the same points as a
    /// grid from it would up to where the edges fall. The step grows if the earlier start would exceed the bucket cap.
    /// </summary>
    public static (long Start, long Step) ChooseAligned(long first, long to, long? requested)
    {
        var step = Choose(first, to, requested);
        while (true)
        {
            var start = Rollups.RollupLevels.BucketOf(first, step);
            if ((to - start) / step < IMetricReader.MaxBuckets)
            {
                return (start, step);
            }
            // The earlier start made one bucket too many: Choose over the longer range gives a strictly wider step.
            step = Choose(start, to, requested);
        }
    }

    public static long Choose(long from, long to, long? requested)
    {
        var range = Math.Max(1, to - from + 1);
        var minimum = (range + IMetricReader.MaxBuckets - 1) / IMetricReader.MaxBuckets;
        if (requested is { } r && r > 0)
        {
            return Math.Max(r, minimum);
        }
        var target = Math.Max(minimum, range / DefaultBuckets);
        foreach (var n in Nice)
        {
            if (n >= target)
            {
                return n;
            }
        }
        return (target + Nice[^1] - 1) / Nice[^1] * Nice[^1];
    }
}
