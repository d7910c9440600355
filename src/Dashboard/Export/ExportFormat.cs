namespace Dashboard.Export;

public enum ExportFormat
{
    Json,
    Csv,
    CsvLong,
    Xlsx,
    Parquet,
}

internal static class ExportFormats
{
    public const string Allowed = "json, csv, csv-long, xlsx or parquet";

    public static bool TryParse(string? text, out ExportFormat format)
    {
        format = (text ?? "").Trim().ToLowerInvariant() switch
        {
            "json" => ExportFormat.Json,
            "csv" => ExportFormat.Csv,
            "csv-long" => ExportFormat.CsvLong,
            "xlsx" => ExportFormat.Xlsx,
            "parquet" => ExportFormat.Parquet,
            _ => (ExportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

    public static string Extension(this ExportFormat f) => f switch
    {
        ExportFormat.Json => "json",
        ExportFormat.Csv => "zip",
        ExportFormat.CsvLong => "csv",
        ExportFormat.Xlsx => "xlsx",
        _ => "parquet",
    };

    public static string ContentType(this ExportFormat f) => f switch
    {
        ExportFormat.Json => "application/json; charset=utf-8",
        ExportFormat.Csv => "application/zip",
        ExportFormat.CsvLong => "text/csv; charset=utf-8",
        ExportFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/vnd.apache.parquet",
    };
}
