using System.Text;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Turns UTF-8 bytes into strings, reusing the string of recently seen equal bytes: model names and metadata keys
/// repeat on nearly every row, so a read allocates only when a new one appears.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Size = 32;
    private const int MaxBytes = 256;
    private readonly byte[]?[] _bytes = new byte[Size][];
    private readonly string?[] _strings = new string[Size];
    private int _next;
    private int _last;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        // Values tend to come back in the same order (keys of one object), so the search starts after the last hit.
        for (var n = 1; n <= Size; n++)
        {
            var i = (_last + n) % Size;
            if (_bytes[i] is { } b && utf8.SequenceEqual(b))
            {
                _last = i;
                return _strings[i]!;
            }
        }
        var s = Encoding.UTF8.GetString(utf8);
        _bytes[_next] = utf8.ToArray();
        _strings[_next] = s;
        _last = _next;
        _next = (_next + 1) % Size;
        return s;
    }
}
