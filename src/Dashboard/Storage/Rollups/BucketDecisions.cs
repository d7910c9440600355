namespace Dashboard.Storage.Rollups;

/// <summary>
/// A threshold count over rollup buckets: each rollup row (one per model) either decides its count from its minimum and
/// maximum or cannot; a bucket with one undecided row is counted from its raw points instead, so the undecided buckets
/// are handed back as time ranges, adjacent ones merged.
/// </summary>
public sealed class BucketDecisions
{
    private readonly SortedDictionary<long, (long Width, long? Count)> _buckets = [];

    /// <summary>One rollup row of a bucket: its decided count, or null when its minimum and maximum do not decide it.</summary>
    public void Add(long bucket, long width, long? count) =>
        _buckets[bucket] = _buckets.TryGetValue(bucket, out var known) ? (width, known.Count + count) : (width, count);

    /// <summary>The decided buckets' count, and the undecided buckets as inclusive time ranges in time order.</summary>
    public (long Decided, List<(long From, long To)> Open) Resolve()
    {
        long decided = 0;
        var open = new List<(long From, long To)>();
        foreach (var (bucket, (width, count)) in _buckets)
        {
            if (count is { } n)
            {
                decided += n;
            }
            else if (open.Count > 0 && open[^1].To == bucket - 1)
            {
                open[^1] = (open[^1].From, bucket + width - 1);
            }
            else
            {
                open.Add((bucket, bucket + width - 1));
            }
        }
        return (decided, open);
    }
}
