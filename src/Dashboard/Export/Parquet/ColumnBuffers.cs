using System.Buffers.Binary;
using System.Text;

namespace Dashboard.Export.Parquet;

/// <summary>One row group's values of one column, plus what its chunk metadata needs.</summary>
internal abstract class ColumnBuffer(ParquetColumn column)
{
    private int[] _definitions = new int[1024];

    public ParquetColumn Column { get; } = column;

    public int Rows { get; private set; }

    public int NullCount { get; private set; }

    public ReadOnlySpan<int> Definitions => _definitions.AsSpan(0, Rows);

    public abstract bool UsesDictionary { get; }

    public virtual void Clear()
    {
        Rows = 0;
        NullCount = 0;
    }

    protected void AddDefinition(bool present)
    {
        if (Rows == _definitions.Length)
        {
            Array.Resize(ref _definitions, Rows * 2);
        }
        _definitions[Rows++] = present ? 1 : 0;
        if (!present)
        {
            if (!Column.Nullable)
            {
                throw new InvalidOperationException($"Column '{Column.Name}' is required but was given a null.");
            }
            NullCount++;
        }
    }

    /// <summary>The dictionary page body (PLAIN entries), when this column is dictionary-encoded.</summary>
    public virtual void WriteDictionary(Stream body) => throw new NotSupportedException();

    public virtual int DictionarySize => 0;

    /// <summary>The data page's values section (after the definition levels).</summary>
    public abstract void WriteValues(Stream body);

    /// <summary>PLAIN-encoded min and max (no length prefix), or null when every value is null.</summary>
    public abstract (byte[] Min, byte[] Max)? GetMinMax();
}

internal sealed class StringColumnBuffer(ParquetColumn column) : ColumnBuffer(column)
{
    private readonly Dictionary<string, int> _dictionary = new(StringComparer.Ordinal);
    private readonly List<string> _entries = [];
    private int[] _indices = new int[1024];
    private int _count;

    public override bool UsesDictionary => true;

    public override int DictionarySize => _entries.Count;

    public void Add(string? value)
    {
        AddDefinition(value is not null);
        if (value is null)
        {
            return;
        }
        if (!_dictionary.TryGetValue(value, out var index))
        {
            index = _entries.Count;
            _dictionary.Add(value, index);
            _entries.Add(value);
        }
        if (_count == _indices.Length)
        {
            Array.Resize(ref _indices, _count * 2);
        }
        _indices[_count++] = index;
    }

    public override void Clear()
    {
        base.Clear();
        _dictionary.Clear();
        _entries.Clear();
        _count = 0;
    }

    public override void WriteDictionary(Stream body)
    {
        Span<byte> length = stackalloc byte[4];
        foreach (var entry in _entries)
        {
            var bytes = Encoding.UTF8.GetBytes(entry);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            body.Write(length);
            body.Write(bytes);
        }
    }

    public override void WriteValues(Stream body)
    {
        var width = Math.Max(1, RleHybridEncoder.BitWidth(_entries.Count - 1));
        body.WriteByte((byte)width);
        RleHybridEncoder.Encode(_indices.AsSpan(0, _count), width, body);
    }

    public override (byte[] Min, byte[] Max)? GetMinMax()
    {
        if (_entries.Count == 0)
        {
            return null;
        }
        // UTF8 columns order by unsigned bytes, which differs from UTF-16 ordinal order for surrogates.
        byte[]? min = null, max = null;
        foreach (var entry in _entries)
        {
            var bytes = Encoding.UTF8.GetBytes(entry);
            if (min is null || bytes.AsSpan().SequenceCompareTo(min) < 0)
            {
                min = bytes;
            }
            if (max is null || bytes.AsSpan().SequenceCompareTo(max) > 0)
            {
                max = bytes;
            }
        }
        return (min!, max!);
    }
}

internal sealed class Int64ColumnBuffer(ParquetColumn column) : ColumnBuffer(column)
{
    private long[] _values = new long[1024];
    private int _count;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    public override bool UsesDictionary => false;

    public void Add(long? value)
    {
        AddDefinition(value is not null);
        if (value is not { } v)
        {
            return;
        }
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _count * 2);
        }
        _values[_count++] = v;
        _min = Math.Min(_min, v);
        _max = Math.Max(_max, v);
    }

    public override void Clear()
    {
        base.Clear();
        _count = 0;
        _min = long.MaxValue;
        _max = long.MinValue;
    }

    public override void WriteValues(Stream body)
    {
        var bytes = new byte[_count * 8];
        for (var i = 0; i < _count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), _values[i]);
        }
        body.Write(bytes);
    }

    public override (byte[] Min, byte[] Max)? GetMinMax()
    {
        if (_count == 0)
        {
            return null;
        }
        var min = new byte[8];
        var max = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(min, _min);
        BinaryPrimitives.WriteInt64LittleEndian(max, _max);
        return (min, max);
    }
}

internal sealed class DoubleColumnBuffer(ParquetColumn column) : ColumnBuffer(column)
{
    private double[] _values = new double[1024];
    private int _count;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public override bool UsesDictionary => false;

    public int NanCount { get; private set; }

    public void Add(double? value)
    {
        AddDefinition(value is not null);
        if (value is not { } v)
        {
            return;
        }
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _count * 2);
        }
        _values[_count++] = v;
        if (double.IsNaN(v))
        {
            NanCount++;
            return;
        }
        _min = Math.Min(_min, v);
        _max = Math.Max(_max, v);
    }

    public override void Clear()
    {
        base.Clear();
        _count = 0;
        NanCount = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
    }

    public override void WriteValues(Stream body)
    {
        var bytes = new byte[_count * 8];
        for (var i = 0; i < _count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), _values[i]);
        }
        body.Write(bytes);
    }

    public override (byte[] Min, byte[] Max)? GetMinMax()
    {
        if (_count == NanCount)
        {
            return null;
        }
        // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum.
        var min = _min == 0 ? -0.0 : _min;
        var max = _max == 0 ? 0.0 : _max;
        var minBytes = new byte[8];
        var maxBytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(minBytes, min);
        BinaryPrimitives.WriteDoubleLittleEndian(maxBytes, max);
        return (minBytes, maxBytes);
    }
}
