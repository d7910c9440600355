using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Dashboard.Export.Parquet;

/// <summary>
/// Writes a flat Apache Parquet file to a forward-only stream: magic, row groups of column chunks
/// (a PLAIN-encoded dictionary page plus an RLE_DICTIONARY data page for strings, one PLAIN data
/// page v1 otherwise; RLE definition levels for nullable columns), then the Thrift compact footer.
/// Rows are buffered only up to one row group, so memory stays bounded whatever the file size.
/// </summary>
public sealed class ParquetFileWriter
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly Stream _output;
    private readonly ParquetCodec _codec;
    private readonly int _rowGroupRows;
    private readonly ColumnBuffer[] _buffers;
    private readonly List<RowGroupInfo> _rowGroups = [];
    private readonly ThriftCompactWriter _thrift = new();
    private readonly MemoryStream _page = new();
    private readonly MemoryStream _compressed = new();
    private long _position;
    private int _rows;
    private bool _finished;

    public ParquetFileWriter(Stream output, IReadOnlyList<ParquetColumn> columns, ParquetCodec codec = ParquetCodec.Gzip,
        int rowGroupRows = 128 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupRows, 1);
        if (columns.Count == 0 || columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new ArgumentException("Columns must be non-empty and uniquely named.", nameof(columns));
        }
        _output = output;
        _codec = codec;
        _rowGroupRows = rowGroupRows;
        Columns = columns;
        _buffers = columns.Select<ParquetColumn, ColumnBuffer>(c => c.Kind switch
        {
            ParquetColumnKind.String => new StringColumnBuffer(c),
            ParquetColumnKind.TimestampMicros => new Int64ColumnBuffer(c),
            _ => new DoubleColumnBuffer(c),
        }).ToArray();
        Write(Magic);
    }

    public IReadOnlyList<ParquetColumn> Columns { get; }

    public long RowCount { get; private set; }

    public void SetString(int column, string? value) => ((StringColumnBuffer)_buffers[column]).Add(value);

    public void SetTimestamp(int column, long? micros) => ((Int64ColumnBuffer)_buffers[column]).Add(micros);

    public void SetDouble(int column, double? value) => ((DoubleColumnBuffer)_buffers[column]).Add(value);

    /// <summary>Ends the current row: every column must have been given exactly one value (or null).</summary>
    public void EndRow()
    {
        _rows++;
        RowCount++;
        foreach (var b in _buffers)
        {
            if (b.Rows != _rows)
            {
                throw new InvalidOperationException($"Column '{b.Column.Name}' has {b.Rows} values in a row group of {_rows} rows.");
            }
        }
        if (_rows >= _rowGroupRows)
        {
            FlushRowGroup();
        }
    }

    /// <summary>Writes the last row group and the footer. A file with no rows still carries its schema.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        if (_rows > 0)
        {
            FlushRowGroup();
        }
        _thrift.Reset();
        ParquetFooter.WriteFileMetaData(_thrift, Columns, _rowGroups, RowCount);
        Write(_thrift.Written);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, _thrift.Written.Length);
        Write(length);
        Write(Magic);
        _output.Flush();
        _finished = true;
    }

    private void FlushRowGroup()
    {
        var start = _position;
        var chunks = new List<ColumnChunkInfo>(_buffers.Length);
        long uncompressedTotal = 0;
        foreach (var buffer in _buffers)
        {
            var chunk = WriteChunk(buffer);
            chunks.Add(chunk);
            uncompressedTotal += chunk.UncompressedSize;
            buffer.Clear();
        }
        _rowGroups.Add(new RowGroupInfo(chunks, _rows, uncompressedTotal, start, _position - start));
        _rows = 0;
    }

    private ColumnChunkInfo WriteChunk(ColumnBuffer buffer)
    {
        long? dictionaryOffset = null;
        long uncompressed = 0;
        var start = _position;
        if (buffer.UsesDictionary)
        {
            dictionaryOffset = _position;
            _page.SetLength(0);
            buffer.WriteDictionary(_page);
            uncompressed += WritePage(ParquetFormat.PageDictionary, buffer.DictionarySize, ParquetFormat.EncodingPlain);
        }
        var dataOffset = _position;
        _page.SetLength(0);
        if (buffer.Column.Nullable)
        {
            // Definition levels of a v1 page: a 4-byte length, then the RLE/bit-packed hybrid (bit width 1).
            var lengthAt = _page.Position;
            _page.Write(stackalloc byte[4]);
            RleHybridEncoder.Encode(buffer.Definitions, 1, _page);
            var levelsLength = (int)(_page.Position - lengthAt - 4);
            BinaryPrimitives.WriteInt32LittleEndian(_page.GetBuffer().AsSpan((int)lengthAt), levelsLength);
        }
        buffer.WriteValues(_page);
        var encoding = buffer.UsesDictionary ? ParquetFormat.EncodingRleDictionary : ParquetFormat.EncodingPlain;
        uncompressed += WritePage(ParquetFormat.PageData, buffer.Rows, encoding);
        var encodings = buffer.UsesDictionary
            ? new[] { ParquetFormat.EncodingPlain, ParquetFormat.EncodingRle, ParquetFormat.EncodingRleDictionary }
            : new[] { ParquetFormat.EncodingPlain, ParquetFormat.EncodingRle };
        var nanCount = buffer is DoubleColumnBuffer d ? d.NanCount : (int?)null;
        return new ColumnChunkInfo(buffer.Column, buffer.Rows, buffer.NullCount, nanCount, buffer.GetMinMax(), encodings,
            _codec, dataOffset, dictionaryOffset, uncompressed, _position - start);
    }

    /// <summary>Compresses the page body in <see cref="_page"/> and writes header + body; returns the uncompressed size.</summary>
    private long WritePage(int pageType, int valueCount, int encoding)
    {
        var raw = _page.GetBuffer().AsSpan(0, (int)_page.Length);
        ReadOnlySpan<byte> body = raw;
        if (_codec == ParquetCodec.Gzip)
        {
            _compressed.SetLength(0);
            using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(raw);
            }
            body = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
        }
        _thrift.Reset();
        ParquetFooter.WritePageHeader(_thrift, pageType, raw.Length, body.Length, valueCount, encoding);
        var headerLength = _thrift.Written.Length;
        Write(_thrift.Written);
        Write(body);
        return headerLength + raw.Length;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

internal sealed record ColumnChunkInfo(ParquetColumn Column, int ValueCount, int NullCount, int? NanCount,
    (byte[] Min, byte[] Max)? MinMax, int[] Encodings, ParquetCodec Codec, long DataPageOffset, long? DictionaryPageOffset,
    long UncompressedSize, long CompressedSize);

internal sealed record RowGroupInfo(List<ColumnChunkInfo> Chunks, int Rows, long UncompressedSize, long FileOffset, long CompressedSize);
