using System.Text;
using System.Text.Json;

namespace Dashboard.Export;

public enum CellKind : byte
{
    Missing,
    Null,
    String,
    Number,
    Bool,
    Json,
}

/// <summary>One metadata value of one point: its kind, its text (strings decoded, numbers as written, objects as JSON) and its number.</summary>
public struct MetadataCell
{
    public CellKind Kind;
    public string? Text;
    public double Number;

    public readonly bool IsEmpty => Kind is CellKind.Missing or CellKind.Null;
}

/// <summary>
/// Splits a point's flat metadata JSON into cells aligned with a list of keys, without a DOM:
/// one Utf8JsonReader pass, keys matched on their UTF-8 bytes, values decoded only when kept.
/// </summary>
public sealed class MetadataCells
{
    private readonly byte[][] _keys;
    private byte[] _buffer = new byte[1024];

    public MetadataCells(IReadOnlyList<ExportKey> keys)
    {
        _keys = keys.Select(k => Encoding.UTF8.GetBytes(k.Key)).ToArray();
        Cells = new MetadataCell[keys.Count];
    }

    public MetadataCell[] Cells { get; }

    public void Parse(string? json)
    {
        if (json is null)
        {
            ParseUtf8(ReadOnlySpan<byte>.Empty);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_buffer.Length < max)
        {
            _buffer = new byte[Math.Max(max, _buffer.Length * 2)];
        }
        ParseUtf8(_buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, _buffer)));
    }

    /// <summary>Splits UTF-8 JSON (empty: no metadata); strings are decoded only for kept keys.</summary>
    public void ParseUtf8(ReadOnlySpan<byte> json)
    {
        Array.Clear(Cells);
        if (json.IsEmpty || _keys.Length == 0)
        {
            return;
        }
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = IndexOf(ref reader);
            reader.Read();
            if (index < 0)
            {
                reader.Skip();
                continue;
            }
            ref var cell = ref Cells[index];
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    cell.Kind = CellKind.String;
                    cell.Text = reader.GetString();
                    break;
                case JsonTokenType.Number:
                    cell.Kind = CellKind.Number;
                    cell.Number = reader.GetDouble();
                    cell.Text = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    cell.Kind = CellKind.Bool;
                    cell.Number = reader.TokenType == JsonTokenType.True ? 1 : 0;
                    cell.Text = reader.TokenType == JsonTokenType.True ? "true" : "false";
                    break;
                case JsonTokenType.Null:
                    cell.Kind = CellKind.Null;
                    break;
                default:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    cell.Kind = CellKind.Json;
                    cell.Text = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                    break;
            }
        }
    }

    private int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (reader.ValueTextEquals(_keys[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
