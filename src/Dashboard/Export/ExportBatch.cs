namespace Dashboard.Export;

/// <summary>
/// About 4,096 rows (or 1 MiB of metadata) read from SQLite, reused once the exporter is done with it. Rows of one
/// metric with equal timestamps are kept in rowid (storage) order, and a batch never ends inside such a group.
/// </summary>
internal sealed class ExportBatch
{
    private const int Capacity = 4096;
    private const int MaxBytes = 1 << 20;

    private int[] _metrics = new int[Capacity];
    private long[] _timestamps = new long[Capacity];
    private double[] _values = new double[Capacity];
    private string?[] _models = new string?[Capacity];
    private long[] _rowids = new long[Capacity];
    private int[] _metadataStarts = new int[Capacity];
    private int[] _metadataLengths = new int[Capacity];
    private byte[] _bytes = new byte[64 * 1024];
    private int _byteCount;

    public int Count { get; private set; }

    public int Metric(int i) => _metrics[i];

    /// <summary>Full, and the next row (of this metric and time) would not continue the last row's equal-time group.</summary>
    public bool IsFullBefore(int metric, long timestamp) =>
        (Count >= Capacity || _byteCount >= MaxBytes) && (_metrics[Count - 1] != metric || _timestamps[Count - 1] != timestamp);

    public void Add(int metric, long timestamp, double value, string? model, ReadOnlySpan<byte> metadata, long rowid)
    {
        if (Count == _metrics.Length)
        {
            Grow();
        }
        if (_byteCount + metadata.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_byteCount + metadata.Length, _bytes.Length * 2));
        }
        metadata.CopyTo(_bytes.AsSpan(_byteCount));
        var i = Count++;
        _metrics[i] = metric;
        _timestamps[i] = timestamp;
        _values[i] = value;
        _models[i] = model;
        _rowids[i] = rowid;
        _metadataStarts[i] = _byteCount;
        _metadataLengths[i] = metadata.Length;
        _byteCount += metadata.Length;
        // The index orders equal timestamps by value and model name; put them back in rowid order.
        for (; i > 0 && _metrics[i - 1] == metric && _timestamps[i - 1] == timestamp && _rowids[i - 1] > rowid; i--)
        {
            Swap(i - 1, i);
        }
    }

    public ExportPoint Point(int i) =>
        new(_timestamps[i], _values[i], _models[i], _bytes.AsMemory(_metadataStarts[i], _metadataLengths[i]));

    public void Clear()
    {
        Count = 0;
        _byteCount = 0;
    }

    private void Swap(int a, int b)
    {
        (_values[a], _values[b]) = (_values[b], _values[a]);
        (_models[a], _models[b]) = (_models[b], _models[a]);
        (_rowids[a], _rowids[b]) = (_rowids[b], _rowids[a]);
        (_metadataStarts[a], _metadataStarts[b]) = (_metadataStarts[b], _metadataStarts[a]);
        (_metadataLengths[a], _metadataLengths[b]) = (_metadataLengths[b], _metadataLengths[a]);
    }

    private void Grow()
    {
        var size = _metrics.Length * 2;
        Array.Resize(ref _metrics, size);
        Array.Resize(ref _timestamps, size);
        Array.Resize(ref _values, size);
        Array.Resize(ref _models, size);
        Array.Resize(ref _rowids, size);
        Array.Resize(ref _metadataStarts, size);
        Array.Resize(ref _metadataLengths, size);
    }
}
