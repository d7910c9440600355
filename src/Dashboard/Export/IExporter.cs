namespace Dashboard.Export;

/// <summary>
/// Writes one export format to a forward-only stream. Points come per metric, in time order, from
/// <c>points</c>; exporters hold at most a bounded buffer (a Parquet row group), never the export.
/// </summary>
public interface IExporter
{
    void Write(ExportPlan plan, Func<ExportMetric, IEnumerable<ExportPoint>> points, Stream output, CancellationToken ct);
}
