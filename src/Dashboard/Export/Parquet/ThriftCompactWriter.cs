using System.Buffers;
using System.Text;

namespace Dashboard.Export.Parquet;

/// <summary>
/// The Thrift compact protocol, write side only, as much of it as Parquet's footer and page
/// headers need: field headers with id deltas, zigzag varints, binary, lists and nested structs.
/// </summary>
internal sealed class ThriftCompactWriter
{
    public const byte TypeBoolTrue = 1;
    public const byte TypeBoolFalse = 2;
    public const byte TypeI16 = 4;
    public const byte TypeI32 = 5;
    public const byte TypeI64 = 6;
    public const byte TypeBinary = 8;
    public const byte TypeList = 9;
    public const byte TypeStruct = 12;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Stack<short> _lastIds = new();
    private short _lastId;

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Reset()
    {
        _buffer.Clear();
        _lastIds.Clear();
        _lastId = 0;
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, TypeI32);
        Varint(ZigZag(value));
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, TypeI64);
        Varint(ZigZag(value));
    }

    public void FieldI16(short id, short value)
    {
        FieldHeader(id, TypeI16);
        Varint(ZigZag(value));
    }

    public void FieldBool(short id, bool value) => FieldHeader(id, value ? TypeBoolTrue : TypeBoolFalse);

    public void FieldBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, TypeBinary);
        Binary(value);
    }

    public void FieldString(short id, string value) => FieldBinary(id, Encoding.UTF8.GetBytes(value));

    /// <summary>Starts a struct-valued field; close it with <see cref="StructEnd"/>.</summary>
    public void FieldStructBegin(short id)
    {
        FieldHeader(id, TypeStruct);
        StructBegin();
    }

    /// <summary>Starts a list-valued field; then write <paramref name="count"/> elements.</summary>
    public void FieldListBegin(short id, byte elementType, int count)
    {
        FieldHeader(id, TypeList);
        ListHeader(elementType, count);
    }

    public void StructBegin()
    {
        _lastIds.Push(_lastId);
        _lastId = 0;
    }

    public void StructEnd()
    {
        _buffer.GetSpan(1)[0] = 0;
        _buffer.Advance(1);
        _lastId = _lastIds.Pop();
    }

    public void ElementI32(int value) => Varint(ZigZag(value));

    public void ElementString(string value) => Binary(Encoding.UTF8.GetBytes(value));

    private void ListHeader(byte elementType, int count)
    {
        if (count < 15)
        {
            Byte((byte)((count << 4) | elementType));
        }
        else
        {
            Byte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    private void FieldHeader(short id, byte type)
    {
        var delta = id - _lastId;
        if (delta is > 0 and <= 15)
        {
            Byte((byte)((delta << 4) | type));
        }
        else
        {
            Byte(type);
            Varint(ZigZag(id));
        }
        _lastId = id;
    }

    private void Binary(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    private void Byte(byte b)
    {
        _buffer.GetSpan(1)[0] = b;
        _buffer.Advance(1);
    }

    private void Varint(ulong v)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[i++] = (byte)v;
        _buffer.Advance(i);
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
}
