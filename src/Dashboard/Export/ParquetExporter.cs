using Dashboard.Export.Parquet;

namespace Dashboard.Export;

/// <summary>
/// One Parquet table for the whole export: metric_name, timestamp (TIMESTAMP(UTC, MICROS)), value, model_name, then
/// one nullable column per metadata key: DOUBLE when every non-null value of the key is a number, else the string
/// (other JSON values as their JSON text), and last, when a price applies to the export, a nullable DOUBLE cost column.
/// </summary>
public sealed class ParquetExporter(ParquetCodec codec = ParquetCodec.Gzip, int rowGroupRows = 128 * 1024) : IExporter
{
    private const int FixedColumns = 4;

    public static IReadOnlyList<ParquetColumn> Schema(ExportPlan plan) =>
    [
        new("metric_name", ParquetColumnKind.String, Nullable: false),
        new("timestamp", ParquetColumnKind.TimestampMicros, Nullable: false),
        new("value", ParquetColumnKind.Double, Nullable: false),
        new("model_name", ParquetColumnKind.String, Nullable: true),
        .. plan.AllKeys.Select(k => new ParquetColumn(k.Column, k.IsNumeric ? ParquetColumnKind.Double : ParquetColumnKind.String, Nullable: true)),
        .. plan.CostColumn is { } cost ? [new ParquetColumn(cost, ParquetColumnKind.Double, Nullable: true)] : Array.Empty<ParquetColumn>(),
    ];

    public void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct)
    {
        var writer = new ParquetFileWriter(output, Schema(plan), codec, rowGroupRows);
        output.Flush(); // the magic leaves at once: the download visibly starts before the first row group is full
        var cells = new MetadataCells(plan.AllKeys);
        var keys = plan.AllKeys;
        foreach (var (metric, p) in reader.Rows())
        {
            writer.SetString(0, metric.Name);
            writer.SetTimestamp(1, p.Timestamp);
            writer.SetDouble(2, p.Value);
            writer.SetString(3, p.ModelName);
            cells.ParseUtf8(p.Metadata.Span);
            for (var i = 0; i < keys.Count; i++)
            {
                ref var cell = ref cells.Cells[i];
                if (keys[i].IsNumeric)
                {
                    writer.SetDouble(FixedColumns + i, cell.Kind == CellKind.Number ? cell.Number : null);
                }
                else
                {
                    writer.SetString(FixedColumns + i, cell.IsEmpty ? null : cell.Text);
                }
            }
            if (plan.CostColumn is not null)
            {
                writer.SetDouble(FixedColumns + keys.Count, plan.CostOf(metric, p));
            }
            writer.EndRow();
        }
        writer.Finish();
    }
}
