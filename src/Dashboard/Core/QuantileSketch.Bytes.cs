using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Dashboard.Core;

/// <summary>The sketch's byte format for rollup columns, and merging straight from it (the first view reads thousands).</summary>
public sealed partial class QuantileSketch
{
    private const byte FormatVersion = 1;

    /// <summary>
    /// Compact bytes for a rollup column: version, count of zeros, min, max, then each side's bins as
    /// (zigzag varint index delta, varint count), sorted by index.
    /// </summary>
    public byte[] ToBytes()
    {
        var buffer = new List<byte>(32 + 4 * (_positive.Count + _negative.Count)) { FormatVersion };
        WriteVarint(buffer, (ulong)ZeroCount);
        Span<byte> d = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(d, Min);
        buffer.AddRange(d);
        BinaryPrimitives.WriteDoubleLittleEndian(d, Max);
        buffer.AddRange(d);
        WriteBins(buffer, _positive);
        WriteBins(buffer, _negative);
        return [.. buffer];
    }

    public static QuantileSketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 18 || bytes[0] != FormatVersion)
        {
            throw new FormatException("Not a quantile sketch of a known version.");
        }
        var s = new QuantileSketch();
        var pos = 1;
        s.ZeroCount = (long)ReadVarint(bytes, ref pos);
        s.Min = BinaryPrimitives.ReadDoubleLittleEndian(bytes[pos..]);
        s.Max = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(pos + 8)..]);
        pos += 16;
        var count = s.ZeroCount + ReadBins(bytes, ref pos, s._positive) + ReadBins(bytes, ref pos, s._negative);
        s.Count = count;
        return s;
    }

    /// <summary>
    /// Merges the sketch <paramref name="bytes"/> hold (as <see cref="ToBytes"/> wrote them) straight into this one:
    /// the same result as <c>Merge(FromBytes(bytes))</c> without building a sketch per row (a run page's first view
    /// merges tens of thousands of rollup sketches). A damaged blob throws <see cref="FormatException"/> before this
    /// sketch changes.
    /// </summary>
    public void MergeBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 18 || bytes[0] != FormatVersion)
        {
            throw new FormatException("Not a quantile sketch of a known version.");
        }
        var pos = 1;
        var zeros = (long)ReadVarint(bytes, ref pos);
        var min = BinaryPrimitives.ReadDoubleLittleEndian(bytes[pos..]);
        var max = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(pos + 8)..]);
        pos += 16;
        var positiveAt = pos;
        SkipBins(bytes, ref pos);
        SkipBins(bytes, ref pos);
        pos = positiveAt;
        var count = zeros + AddBins(bytes, ref pos, _positive) + AddBins(bytes, ref pos, _negative);
        ZeroCount += zeros;
        Count += count;
        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
    }

    /// <summary>Walks one side's bins without keeping them, so a damaged blob is found before anything is merged.</summary>
    private static void SkipBins(ReadOnlySpan<byte> bytes, ref int pos)
    {
        var n = DeclaredBins(bytes, ref pos);
        long previous = 0;
        for (var k = 0; k < n; k++)
        {
            var z = ReadVarint(bytes, ref pos);
            previous += (long)(z >> 1) ^ -(long)(z & 1);
            _ = checked((int)previous);
            ReadVarint(bytes, ref pos);
        }
    }

    private static long AddBins(ReadOnlySpan<byte> bytes, ref int pos, Dictionary<int, long> bins)
    {
        var n = DeclaredBins(bytes, ref pos);
        long previous = 0, total = 0;
        for (var k = 0; k < n; k++)
        {
            var z = ReadVarint(bytes, ref pos);
            previous += (long)(z >> 1) ^ -(long)(z & 1);
            var count = (long)ReadVarint(bytes, ref pos);
            CollectionsMarshal.GetValueRefOrAddDefault(bins, checked((int)previous), out _) += count;
            total += count;
        }
        return total;
    }

    private static int DeclaredBins(ReadOnlySpan<byte> bytes, ref int pos)
    {
        var declared = ReadVarint(bytes, ref pos);
        // Each bin takes at least two bytes: a larger count is a damaged blob, not a reason to allocate.
        if (declared > (ulong)(bytes.Length - pos) / 2)
        {
            throw new FormatException("Truncated quantile sketch.");
        }
        return (int)declared;
    }

    private static void WriteBins(List<byte> buffer, Dictionary<int, long> bins)
    {
        WriteVarint(buffer, (ulong)bins.Count);
        var previous = 0;
        foreach (var (i, n) in bins.OrderBy(b => b.Key))
        {
            var delta = (long)i - previous;
            WriteVarint(buffer, (ulong)((delta << 1) ^ (delta >> 63)));
            WriteVarint(buffer, (ulong)n);
            previous = i;
        }
    }

    private static long ReadBins(ReadOnlySpan<byte> bytes, ref int pos, Dictionary<int, long> bins)
    {
        var n = DeclaredBins(bytes, ref pos);
        // Sized once: growing bin by bin rehashed the dictionary several times per sketch read.
        bins.EnsureCapacity(n);
        long previous = 0, total = 0;
        for (var k = 0; k < n; k++)
        {
            var z = ReadVarint(bytes, ref pos);
            previous += (long)(z >> 1) ^ -(long)(z & 1);
            var count = (long)ReadVarint(bytes, ref pos);
            bins[checked((int)previous)] = count;
            total += count;
        }
        return total;
    }

    private static void WriteVarint(List<byte> buffer, ulong v)
    {
        while (v >= 0x80)
        {
            buffer.Add((byte)(v | 0x80));
            v >>= 7;
        }
        buffer.Add((byte)v);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int pos)
    {
        ulong v = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= bytes.Length)
            {
                throw new FormatException("Truncated quantile sketch.");
            }
            var b = bytes[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return v;
            }
        }
        throw new FormatException("Bad varint in quantile sketch.");
    }
}
