namespace Dashboard.Export.Parquet;

/// <summary>The value kinds the exporter needs: UTF-8 strings, UTC microsecond timestamps, doubles.</summary>
public enum ParquetColumnKind
{
    String,
    TimestampMicros,
    Double,
}

/// <summary>Page compression. GZIP is the default: every reader supports it and it needs nothing outside the BCL.</summary>
public enum ParquetCodec
{
    Uncompressed = 0,
    Gzip = 2,
}

/// <summary>One flat column of the file's schema.</summary>
public sealed record ParquetColumn(string Name, ParquetColumnKind Kind, bool Nullable);

/// <summary>Enum values from parquet.thrift.</summary>
internal static class ParquetFormat
{
    public const int TypeInt64 = 2;
    public const int TypeDouble = 5;
    public const int TypeByteArray = 6;
    public const int RepetitionRequired = 0;
    public const int RepetitionOptional = 1;
    public const int ConvertedUtf8 = 0;
    public const int ConvertedTimestampMicros = 10;
    public const int EncodingPlain = 0;
    public const int EncodingRle = 3;
    public const int EncodingRleDictionary = 8;
    public const int PageData = 0;
    public const int PageDictionary = 2;

    public static int PhysicalType(ParquetColumnKind kind) => kind switch
    {
        ParquetColumnKind.String => TypeByteArray,
        ParquetColumnKind.TimestampMicros => TypeInt64,
        _ => TypeDouble,
    };
}
