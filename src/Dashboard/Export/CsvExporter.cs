using System.IO.Compression;
using System.Text;

namespace Dashboard.Export;

/// <summary>
/// afterimage's per-metric CSVs (&lt;run&gt;_&lt;metric&gt;.csv: timestamp, value, then model_name, one column per
/// metadata key, and metric_name last) delivered in one zip that starts with index.csv (file, metric_name), or with
/// <see cref="Long"/> one long CSV (metric_name first). RFC 4180, UTF-8, CRLF.
/// A metric name is not always a file name (':', '/', non-ASCII, names equal but for case get '~2'), so the index
/// and the metric_name column carry the original names.
/// </summary>
public sealed class CsvExporter(bool @long) : IExporter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public bool Long { get; } = @long;

    public void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct)
    {
        if (Long)
        {
            using var writer = new StreamWriter(output, Utf8, 64 * 1024, leaveOpen: true);
            var csv = new CsvRowWriter(writer);
            var header = new List<string> { "metric_name", "timestamp", "value", "model_name" };
            header.AddRange(plan.AllKeys.Select(k => k.Column));
            if (plan.CostColumn is { } costColumn)
            {
                header.Add(costColumn);
            }
            csv.WriteHeader(header);
            var cells = new MetadataCells(plan.AllKeys);
            foreach (var (metric, p) in reader.Rows())
            {
                csv.Text(metric.Name);
                WritePoint(csv, p, includeModel: true, cells, endRow: plan.CostColumn is null);
                if (plan.CostColumn is not null)
                {
                    Cost(csv, plan.CostOf(metric, p));
                    csv.EndRow();
                }
            }
            writer.Flush();
            return;
        }
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Utf8);
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var run = ExportText.SafeFileName(plan.Request.Run);
        var files = plan.Metrics.Select(m => ExportText.Unique($"{run}_{ExportText.SafeFileName(m.Name)}", taken, 200) + ".csv").ToList();
        WriteIndex(zip, files, plan.Metrics);
        for (var i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var metric = plan.Metrics[i];
            var entry = zip.CreateEntry(files[i], CompressionLevel.Fastest);
            using var stream = entry.Open();
            using var writer = new StreamWriter(stream, Utf8, 64 * 1024);
            var csv = new CsvRowWriter(writer);
            var header = new List<string> { "timestamp", "value" };
            if (metric.HasModel)
            {
                header.Add("model_name");
            }
            header.AddRange(metric.Keys.Select(k => k.Column));
            var withCost = plan.HasCost(metric);
            if (withCost)
            {
                header.Add(plan.CostColumn!);
            }
            header.Add("metric_name");
            csv.WriteHeader(header);
            var cells = new MetadataCells(metric.Keys);
            foreach (var p in reader.Points(metric))
            {
                WritePoint(csv, p, metric.HasModel, cells, endRow: false);
                if (withCost)
                {
                    Cost(csv, plan.CostOf(metric, p));
                }
                csv.Text(metric.Name);
                csv.EndRow();
            }
        }
    }

    /// <summary>An empty cell where no price applies: never a zero that would read as free.</summary>
    private static void Cost(CsvRowWriter csv, double? cost)
    {
        if (cost is { } c)
        {
            csv.Number(c);
        }
        else
        {
            csv.Text(null);
        }
    }

    private static void WriteIndex(ZipArchive zip, List<string> files, IReadOnlyList<ExportMetric> metrics)
    {
        using var writer = new StreamWriter(zip.CreateEntry("index.csv", CompressionLevel.Fastest).Open(), Utf8);
        var csv = new CsvRowWriter(writer);
        csv.WriteHeader(["file", "metric_name"]);
        for (var i = 0; i < files.Count; i++)
        {
            csv.Text(files[i]);
            csv.Text(metrics[i].Name);
            csv.EndRow();
        }
    }

    private static void WritePoint(CsvRowWriter csv, ExportPoint p, bool includeModel, MetadataCells cells, bool endRow = true)
    {
        csv.Timestamp(p.Timestamp);
        csv.Number(p.Value);
        if (includeModel)
        {
            csv.Text(p.ModelName);
        }
        cells.ParseUtf8(p.Metadata.Span);
        foreach (var cell in cells.Cells)
        {
            if (cell.Kind is CellKind.Number or CellKind.Bool)
            {
                csv.Raw(cell.Text!);
            }
            else
            {
                csv.Text(cell.IsEmpty ? null : cell.Text);
            }
        }
        if (endRow)
        {
            csv.EndRow();
        }
    }
}

/// <summary>RFC 4180 fields: quoted only when they hold a comma, quote, CR or LF; quotes doubled; rows end with CRLF.</summary>
internal sealed class CsvRowWriter(TextWriter writer)
{
    private readonly char[] _scratch = new char[64];
    private bool _first = true;

    public void WriteHeader(IEnumerable<string> names)
    {
        foreach (var n in names)
        {
            Text(n);
        }
        EndRow();
    }

    public void Timestamp(long micros)
    {
        Separator();
        ExportText.TryFormatTimestamp(micros, _scratch, out var n);
        writer.Write(_scratch, 0, n);
    }

    public void Number(double value)
    {
        Separator();
        value.TryFormat(_scratch, out var n, "R", System.Globalization.CultureInfo.InvariantCulture);
        writer.Write(_scratch, 0, n);
    }

    /// <summary>A value known to need neither quoting nor neutralizing (a JSON number or boolean).</summary>
    public void Raw(string text)
    {
        Separator();
        writer.Write(text);
    }

    public void Text(string? text)
    {
        Separator();
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        text = ExportText.NeutralizeFormula(text);
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(text);
            return;
        }
        writer.Write('"');
        writer.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    public void EndRow()
    {
        writer.Write("\r\n");
        _first = true;
    }

    private void Separator()
    {
        if (!_first)
        {
            writer.Write(',');
        }
        _first = false;
    }
}
