namespace Dashboard.Export;

/// <summary>
/// Writes one export format to a forward-only stream, reading points from <c>reader</c>; exporters hold at most a
/// bounded buffer (a Parquet row group), never the export.
/// </summary>
public interface IExporter
{
    void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct);
}

/// <summary>
/// Where an exporter's points come from. Per-metric formats call <see cref="Points"/> for the plan's metrics in plan
/// order; one-table formats (Parquet, long CSV) call <see cref="Rows"/> once.
/// </summary>
public interface IExportReader
{
    /// <summary>The metric's points in time order (equal timestamps in storage order).</summary>
    IEnumerable<ExportPoint> Points(ExportMetric metric);

    /// <summary>
    /// Every point of the export once: metric by metric in plan order and time order, or, when the reader scans the
    /// table (see <see cref="ExportPlan.TableOrder"/>), in storage order (the order points were committed).
    /// </summary>
    IEnumerable<ExportRow> Rows();
}

/// <summary>One point with its metric, as one-table formats read them.</summary>
public readonly record struct ExportRow(ExportMetric Metric, ExportPoint Point);

/// <summary>An <see cref="IExportReader"/> over a function giving each metric's points (tests, benchmarks, memory).</summary>
public sealed class DelegateExportReader(ExportPlan plan, Func<ExportMetric, IEnumerable<ExportPoint>> points) : IExportReader
{
    public IEnumerable<ExportPoint> Points(ExportMetric metric) => points(metric);

    public IEnumerable<ExportRow> Rows()
    {
        foreach (var metric in plan.Metrics)
        {
            foreach (var p in points(metric))
            {
                yield return new ExportRow(metric, p);
            }
        }
    }
}
