namespace Dashboard.Runs;

/// <summary>What one time bucket of a run page holds: counts, a latency sketch, tokens per model, score sums.</summary>
public sealed class RunBucket
{
    public long Generations;
    public long Failures;
    public long Events;
    public long Evaluations;
    public readonly QuantileSketch Latency = new();
    public readonly Dictionary<string, double> TokensByModel = new(StringComparer.Ordinal);
    public readonly Dictionary<string, (double Sum, long Count)> Scores = new(StringComparer.Ordinal);

    public void Merge(RunBucket other)
    {
        Generations += other.Generations;
        Failures += other.Failures;
        Events += other.Events;
        Evaluations += other.Evaluations;
        Latency.Merge(other.Latency);
        foreach (var (m, t) in other.TokensByModel)
        {
            TokensByModel[m] = TokensByModel.GetValueOrDefault(m) + t;
        }
        foreach (var (s, v) in other.Scores)
        {
            var mine = Scores.GetValueOrDefault(s);
            Scores[s] = (mine.Sum + v.Sum, mine.Count + v.Count);
        }
    }
}

/// <summary>Bucket widths: the smallest that keeps a range under <see cref="Target"/> buckets.</summary>
public static class BucketWidth
{
    public const int Target = 120;
    private const long Second = 1_000_000;

    private static readonly long[] Widths =
    [
        Second, 5 * Second, 10 * Second, 30 * Second, 60 * Second, 300 * Second, 600 * Second, 1800 * Second,
        3600 * Second, 3 * 3600 * Second, 6 * 3600 * Second, 12 * 3600 * Second, 86400 * Second, 7 * 86400 * Second,
    ];

    public static long For(long spanMicros)
    {
        foreach (var w in Widths)
        {
            if (spanMicros / w <= Target)
            {
                return w;
            }
        }
        return Widths[^1];
    }

    public static string Label(long widthMicros) => widthMicros switch
    {
        < 60 * Second => $"{widthMicros / Second} s",
        < 3600 * Second => $"{widthMicros / (60 * Second)} min",
        < 86400 * Second => $"{widthMicros / (3600 * Second)} h",
        _ => $"{widthMicros / (86400 * Second)} d",
    };
}
