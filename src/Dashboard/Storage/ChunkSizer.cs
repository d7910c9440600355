namespace Dashboard.Storage;

/// <summary>
/// Sizes background maintenance chunks by time rather than by a fixed row count: a commit that arrives while a chunk
/// holds the writer waits for the rest of it, so a chunk should take about <see cref="Target"/> whatever a row costs
/// (points with two indexes, small rollup rows, freed pages) and whatever the machine's load. Halves after a slow
/// chunk, doubles after a quick one.
/// </summary>
internal sealed class ChunkSizer(int initial, int min, int max)
{
    /// <summary>Well below the ingest p99 goal (20 ms), leaving room for the commit that waited.</summary>
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(4);

    public int Size { get; private set; } = initial;

    public void Observe(int size, TimeSpan took)
    {
        if (took > Target)
        {
            Size = Math.Max(min, size / 2);
        }
        else if (took < Target / 2 && size >= Size)
        {
            Size = Math.Min(max, size * 2);
        }
    }
}
