namespace Dashboard.Export.Parquet;

/// <summary>
/// Parquet's RLE / bit-packing hybrid: runs of 8 or more equal values become RLE runs, everything
/// else is bit-packed in groups of 8 (LSB first). Used for definition levels and dictionary indices.
/// </summary>
internal static class RleHybridEncoder
{
    private const int MinRepeat = 8;

    public static int BitWidth(int maxValue) => maxValue <= 0 ? 0 : 32 - int.LeadingZeroCount(maxValue);

    public static void Encode(ReadOnlySpan<int> values, int bitWidth, Stream output)
    {
        var i = 0;
        var n = values.Length;
        while (i < n)
        {
            var run = RunLength(values, i);
            if (run >= MinRepeat)
            {
                WriteRle(output, run, values[i], bitWidth);
                i += run;
                continue;
            }
            // Bit-packed groups must hold exactly 8 values, so a group may swallow the start of a
            // later run; only the very last group may be padded (readers stop at num_values).
            var start = i;
            do
            {
                i += 8;
            }
            while (i < n && RunLength(values, i) < MinRepeat);
            WriteBitPacked(output, values[start..Math.Min(i, n)], bitWidth);
            i = Math.Min(i, n);
        }
    }

    private static int RunLength(ReadOnlySpan<int> values, int start)
    {
        var v = values[start];
        var j = start + 1;
        while (j < values.Length && values[j] == v)
        {
            j++;
        }
        return j - start;
    }

    private static void WriteRle(Stream output, int count, int value, int bitWidth)
    {
        WriteVarint(output, (uint)count << 1);
        var bytes = (bitWidth + 7) / 8;
        for (var b = 0; b < bytes; b++)
        {
            output.WriteByte((byte)(value >> (8 * b)));
        }
    }

    private static void WriteBitPacked(Stream output, ReadOnlySpan<int> values, int bitWidth)
    {
        var groups = (values.Length + 7) / 8;
        WriteVarint(output, ((uint)groups << 1) | 1);
        Span<byte> packed = stackalloc byte[bitWidth];
        for (var g = 0; g < groups; g++)
        {
            packed.Clear();
            var bit = 0;
            for (var k = 0; k < 8; k++)
            {
                var index = g * 8 + k;
                var v = index < values.Length ? (uint)values[index] : 0u;
                for (var b = 0; b < bitWidth; b++, bit++)
                {
                    if (((v >> b) & 1) != 0)
                    {
                        packed[bit >> 3] |= (byte)(1 << (bit & 7));
                    }
                }
            }
            output.Write(packed);
        }
    }

    private static void WriteVarint(Stream output, uint v)
    {
        while (v >= 0x80)
        {
            output.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        output.WriteByte((byte)v);
    }
}
