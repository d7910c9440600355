namespace Dashboard.Ingest;

/// <summary>
/// Python's json.dumps writes the bare tokens NaN, Infinity and -Infinity for non-finite floats, which
/// no strict JSON reader takes. Before parsing, these three tokens (outside strings, exactly as Python
/// writes them) become the strings "NaN", "Infinity" and "-Infinity", which the value fields read as
/// non-finite numbers. Anything else that is not JSON (nan, inf, +Infinity, -NaN) stays invalid.
/// </summary>
internal static class PythonJsonTokens
{
    private static readonly byte[][] Tokens = ["NaN"u8.ToArray(), "Infinity"u8.ToArray(), "-Infinity"u8.ToArray()];

    /// <summary>The body with the tokens quoted, or the same memory when it holds none (the common case: no copy).</summary>
    public static ReadOnlyMemory<byte> Quote(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        // Fast exit: both tokens hold an 'N' or an 'I' outside a string, which most bodies lack entirely.
        if (span.IndexOfAny((byte)'N', (byte)'I') < 0)
        {
            return body;
        }
        List<(int Start, int Length)>? found = null;
        var inString = false;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
                continue;
            }
            if (b == (byte)'"')
            {
                inString = true;
                continue;
            }
            if (b is (byte)'N' or (byte)'I' or (byte)'-' && TokenAt(span, i) is { } length)
            {
                (found ??= []).Add((i, length));
                i += length - 1;
            }
        }
        if (found is null)
        {
            return body;
        }
        var result = new byte[span.Length + 2 * found.Count];
        int from = 0, to = 0;
        foreach (var (start, length) in found)
        {
            span[from..start].CopyTo(result.AsSpan(to));
            to += start - from;
            result[to++] = (byte)'"';
            span.Slice(start, length).CopyTo(result.AsSpan(to));
            to += length;
            result[to++] = (byte)'"';
            from = start + length;
        }
        span[from..].CopyTo(result.AsSpan(to));
        return result;
    }

    // A token counts only where a value can stand: after ':', ',', '[' or whitespace, and before a delimiter,
    // so a name like NaNcy in broken JSON is left for the parser to refuse.
    private static int? TokenAt(ReadOnlySpan<byte> span, int i)
    {
        foreach (var token in Tokens)
        {
            if (!span[i..].StartsWith(token))
            {
                continue;
            }
            var before = PreviousNonSpace(span, i);
            var after = i + token.Length < span.Length ? span[i + token.Length] : (byte)' ';
            if (before is (byte)':' or (byte)',' or (byte)'[' && after is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                return token.Length;
            }
        }
        return null;
    }

    private static byte PreviousNonSpace(ReadOnlySpan<byte> span, int i)
    {
        for (var j = i - 1; j >= 0; j--)
        {
            if (span[j] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return span[j];
            }
        }
        return 0;
    }
}
