namespace Dashboard.Export.Parquet;

/// <summary>The Thrift structs of parquet.thrift this writer emits, with their field ids.</summary>
internal static class ParquetFooter
{
    public static void WritePageHeader(ThriftCompactWriter t, int pageType, int uncompressedSize, int compressedSize,
        int valueCount, int encoding)
    {
        t.StructBegin();
        t.FieldI32(1, pageType);
        t.FieldI32(2, uncompressedSize);
        t.FieldI32(3, compressedSize);
        if (pageType == ParquetFormat.PageDictionary)
        {
            t.FieldStructBegin(7); // DictionaryPageHeader
            t.FieldI32(1, valueCount);
            t.FieldI32(2, encoding);
            t.StructEnd();
        }
        else
        {
            t.FieldStructBegin(5); // DataPageHeader
            t.FieldI32(1, valueCount);
            t.FieldI32(2, encoding);
            t.FieldI32(3, ParquetFormat.EncodingRle); // definition levels
            t.FieldI32(4, ParquetFormat.EncodingRle); // repetition levels (none: flat schema)
            t.StructEnd();
        }
        t.StructEnd();
    }

    public static void WriteFileMetaData(ThriftCompactWriter t, IReadOnlyList<ParquetColumn> columns,
        IReadOnlyList<RowGroupInfo> rowGroups, long rowCount)
    {
        t.StructBegin();
        t.FieldI32(1, 2); // version
        t.FieldListBegin(2, ThriftCompactWriter.TypeStruct, columns.Count + 1);
        t.StructBegin(); // the root: a group holding every column
        t.FieldString(4, "schema");
        t.FieldI32(5, columns.Count);
        t.StructEnd();
        foreach (var c in columns)
        {
            WriteSchemaElement(t, c);
        }
        t.FieldI64(3, rowCount);
        t.FieldListBegin(4, ThriftCompactWriter.TypeStruct, rowGroups.Count);
        for (var i = 0; i < rowGroups.Count; i++)
        {
            WriteRowGroup(t, rowGroups[i], (short)i);
        }
        t.FieldString(6, "Dashboard export (parquet writer of its own)");
        t.FieldListBegin(7, ThriftCompactWriter.TypeStruct, columns.Count);
        foreach (var _ in columns)
        {
            t.StructBegin(); // ColumnOrder union
            t.FieldStructBegin(1); // TYPE_ORDER
            t.StructEnd();
            t.StructEnd();
        }
        t.StructEnd();
    }

    private static void WriteSchemaElement(ThriftCompactWriter t, ParquetColumn c)
    {
        t.StructBegin();
        t.FieldI32(1, ParquetFormat.PhysicalType(c.Kind));
        t.FieldI32(3, c.Nullable ? ParquetFormat.RepetitionOptional : ParquetFormat.RepetitionRequired);
        t.FieldString(4, c.Name);
        switch (c.Kind)
        {
            case ParquetColumnKind.String:
                t.FieldI32(6, ParquetFormat.ConvertedUtf8);
                t.FieldStructBegin(10); // LogicalType
                t.FieldStructBegin(1); // STRING
                t.StructEnd();
                t.StructEnd();
                break;
            case ParquetColumnKind.TimestampMicros:
                t.FieldI32(6, ParquetFormat.ConvertedTimestampMicros);
                t.FieldStructBegin(10); // LogicalType
                t.FieldStructBegin(8); // TIMESTAMP
                t.FieldBool(1, true); // isAdjustedToUTC
                t.FieldStructBegin(2); // unit
                t.FieldStructBegin(2); // MICROS
                t.StructEnd();
                t.StructEnd();
                t.StructEnd();
                t.StructEnd();
                break;
            default:
                break;
        }
        t.StructEnd();
    }

    private static void WriteRowGroup(ThriftCompactWriter t, RowGroupInfo g, short ordinal)
    {
        t.StructBegin();
        t.FieldListBegin(1, ThriftCompactWriter.TypeStruct, g.Chunks.Count);
        foreach (var c in g.Chunks)
        {
            WriteColumnChunk(t, c);
        }
        t.FieldI64(2, g.UncompressedSize);
        t.FieldI64(3, g.Rows);
        t.FieldI64(5, g.FileOffset);
        t.FieldI64(6, g.CompressedSize);
        t.FieldI16(7, ordinal);
        t.StructEnd();
    }

    private static void WriteColumnChunk(ThriftCompactWriter t, ColumnChunkInfo c)
    {
        t.StructBegin();
        t.FieldI64(2, 0); // file_offset: deprecated, 0 when no metadata is written outside the footer
        t.FieldStructBegin(3); // ColumnMetaData
        t.FieldI32(1, ParquetFormat.PhysicalType(c.Column.Kind));
        t.FieldListBegin(2, ThriftCompactWriter.TypeI32, c.Encodings.Length);
        foreach (var e in c.Encodings)
        {
            t.ElementI32(e);
        }
        t.FieldListBegin(3, ThriftCompactWriter.TypeBinary, 1);
        t.ElementString(c.Column.Name);
        t.FieldI32(4, (int)c.Codec);
        t.FieldI64(5, c.ValueCount);
        t.FieldI64(6, c.UncompressedSize);
        t.FieldI64(7, c.CompressedSize);
        t.FieldI64(9, c.DataPageOffset);
        if (c.DictionaryPageOffset is { } dictionary)
        {
            t.FieldI64(11, dictionary);
        }
        t.FieldStructBegin(12); // Statistics
        t.FieldI64(3, c.NullCount);
        if (c.MinMax is { } mm)
        {
            t.FieldBinary(5, mm.Max);
            t.FieldBinary(6, mm.Min);
            t.FieldBool(7, true);
            t.FieldBool(8, true);
        }
        if (c.NanCount is { } nan)
        {
            t.FieldI64(9, nan);
        }
        t.StructEnd();
        t.StructEnd();
        t.StructEnd();
    }
}
