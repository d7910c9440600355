using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Dashboard.Storage.Rollups;

/// <summary>
/// One top-level metadata field as text (a prediction's label, a pipeline's name), read in C# by the writer, the
/// rollup backfill and the raw edges alike, so every path groups a point under the same name on both providers.
/// A string is its value; null or a missing field is null; a number, true/false, an object or an array is its JSON
/// text as sent. When a key repeats, the last one wins (as PostgreSQL's jsonb keeps it).
/// </summary>
public static class MetadataText
{
    public static string? Get(string? json, string key)
    {
        if (json is null || json.Length == 0 || json.IndexOf(key, StringComparison.Ordinal) < 0)
        {
            return null;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, bytes);
            return Find(bytes.AsSpan(0, length), key);
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static string? Find(ReadOnlySpan<byte> utf8, string key)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        string? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(key);
            reader.Read();
            if (match)
            {
                found = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    JsonTokenType.StartObject or JsonTokenType.StartArray => Raw(ref reader, utf8),
                    _ => Encoding.UTF8.GetString(reader.ValueSpan),
                };
            }
            else
            {
                reader.Skip();
            }
        }
        return found;
    }

    private static string Raw(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Encoding.UTF8.GetString(utf8[start..(int)reader.BytesConsumed]);
    }
}
