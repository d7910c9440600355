using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dashboard.Export;

/// <summary>
/// An .xlsx workbook streamed with OpenXmlWriter: an index sheet (sheet, full metric name, rows), then one sheet
/// per metric with a bold frozen header, timestamps as date-styled numbers, values as numbers and inline strings
/// (no shared-string table, so nothing grows with the export). A metric longer than Excel's 1,048,576 rows
/// continues on "name (2)", "name (3)" ...
/// </summary>
public sealed class XlsxExporter : IExporter
{
    /// <summary>Data rows per sheet: Excel's row limit minus the header.</summary>
    public const int MaxDataRows = 1_048_575;

    private const int MaxCellText = 32_767;
    private static readonly DateTime ExcelEpoch = new(1899, 12, 30, 0, 0, 0, DateTimeKind.Utc);

    private readonly int _maxDataRows;

    public XlsxExporter(int maxDataRows = MaxDataRows) => _maxDataRows = maxDataRows;

    private sealed record SheetPart(string SheetName, ExportMetric Metric, long Rows);

    public void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct)
    {
        var names = new XlsxSheetNames();
        var indexName = names.Add("index");
        var parts = new List<SheetPart>();
        foreach (var m in plan.Metrics)
        {
            var count = Math.Max(1, (m.Count + _maxDataRows - 1) / _maxDataRows);
            for (var part = 1; part <= count; part++)
            {
                parts.Add(new SheetPart(names.Add(m.Name, part), m, Math.Min(_maxDataRows, m.Count - (part - 1) * (long)_maxDataRows)));
            }
        }
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var sheetCount = parts.Count + 1;
        XlsxParts.WriteContentTypes(zip, sheetCount);
        XlsxParts.WriteRelationships(zip, sheetCount);
        XlsxParts.WriteWorkbook(zip, [indexName, .. parts.Select(p => p.SheetName)]);
        XlsxParts.WriteStyles(zip);
        using (var index = new SheetWriter(zip, 1, ["sheet", "metric_name", "rows"], [34, 60, 12]))
        {
            foreach (var p in parts)
            {
                index.Text(p.SheetName);
                index.Text(p.Metric.Name);
                index.Number(p.Rows);
                index.EndRow();
            }
        }
        var sheetNumber = 2;
        var partIndex = 0;
        foreach (var metric in plan.Metrics)
        {
            var header = new List<string> { "timestamp", "value" };
            var widths = new List<double> { 24, 14 };
            if (metric.HasModel)
            {
                header.Add("model_name");
                widths.Add(32);
            }
            foreach (var k in metric.Keys)
            {
                header.Add(k.Column);
                widths.Add(Math.Clamp(k.Column.Length + 6, 14, 48));
            }
            var withCost = plan.HasCost(metric);
            if (withCost)
            {
                header.Add(plan.CostColumn!);
                widths.Add(14);
            }
            var cells = new MetadataCells(metric.Keys);
            var sheet = new SheetWriter(zip, sheetNumber++, header, widths);
            long rowsInSheet = 0;
            partIndex++;
            try
            {
                foreach (var p in reader.Points(metric))
                {
                    if (rowsInSheet == _maxDataRows)
                    {
                        sheet.Dispose();
                        sheet = new SheetWriter(zip, sheetNumber++, header, widths);
                        rowsInSheet = 0;
                        partIndex++;
                    }
                    sheet.Date(p.Timestamp);
                    sheet.Number(p.Value);
                    if (metric.HasModel)
                    {
                        sheet.Text(p.ModelName);
                    }
                    cells.ParseUtf8(p.Metadata.Span);
                    foreach (var cell in cells.Cells)
                    {
                        switch (cell.Kind)
                        {
                            case CellKind.Number: sheet.Number(cell.Number); break;
                            case CellKind.Bool: sheet.Bool(cell.Number != 0); break;
                            case CellKind.String or CellKind.Json: sheet.Text(cell.Text); break;
                            default: sheet.Empty(); break;
                        }
                    }
                    if (withCost)
                    {
                        if (plan.CostOf(metric, p) is { } cost)
                        {
                            sheet.Number(cost);
                        }
                        else
                        {
                            sheet.Empty();
                        }
                    }
                    sheet.EndRow();
                    rowsInSheet++;
                }
            }
            finally
            {
                sheet.Dispose();
            }
            // The index announced parts from the first pass's counts; keep the workbook consistent if fewer came.
            while (partIndex < parts.Count && parts[partIndex].Metric == metric)
            {
                using (new SheetWriter(zip, sheetNumber++, header, widths))
                {
                }
                partIndex++;
            }
        }
    }

    internal static double ToExcelDate(long micros) => (micros - (ExcelEpoch.Ticks - DateTime.UnixEpoch.Ticks) / 10) / 86_400_000_000d;

    /// <summary>One worksheet part, streamed: sheet view with frozen header, column widths, then rows.</summary>
    private sealed class SheetWriter : IDisposable
    {
        private static readonly Row RowElement = new();
        private static readonly Cell CellElement = new();
        private static readonly CellValue ValueElement = new();
        private static readonly InlineString InlineElement = new();
        private static readonly Text TextElement = new();
        private static readonly OpenXmlAttribute[] PreserveSpace = [new("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve")];

        private readonly Stream _stream;
        private readonly OpenXmlWriter _w;
        private readonly char[] _scratch = new char[32];
        private bool _inRow;

        public SheetWriter(ZipArchive zip, int number, IReadOnlyList<string> header, IReadOnlyList<double> widths)
        {
            _stream = zip.CreateEntry($"xl/worksheets/sheet{number}.xml", CompressionLevel.Fastest).Open();
            _w = OpenXmlWriter.Create(_stream, new UTF8Encoding(false));
            _w.WriteStartDocument(true);
            _w.WriteStartElement(new Worksheet());
            _w.WriteElement(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
            { WorkbookViewId = 0, TabSelected = number == 1 }));
            var columns = new Columns();
            for (var i = 0; i < widths.Count; i++)
            {
                columns.Append(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = widths[i], CustomWidth = true });
            }
            _w.WriteElement(columns);
            _w.WriteStartElement(new SheetData());
            foreach (var h in header)
            {
                Cell(XlsxParts.HeaderCell, Clean(ExportText.NeutralizeFormula(h)), inline: true);
            }
            EndRow();
        }

        public void Date(long micros) => Cell(XlsxParts.DateCell, Format(ToExcelDate(micros)), inline: false);

        public void Number(double value) => Cell(XlsxParts.NumberCell, Format(value), inline: false);

        public void Bool(bool value) => Cell(XlsxParts.BoolCell, value ? "1" : "0", inline: false);

        public void Empty()
        {
            StartRow();
            _w.WriteStartElement(CellElement, XlsxParts.NumberCell);
            _w.WriteEndElement();
        }

        public void Text(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                Empty();
                return;
            }
            Cell(XlsxParts.TextCell, Clean(ExportText.NeutralizeFormula(text)), inline: true);
        }

        public void EndRow()
        {
            StartRow();
            _w.WriteEndElement();
            _inRow = false;
        }

        private void StartRow()
        {
            if (!_inRow)
            {
                _w.WriteStartElement(RowElement);
                _inRow = true;
            }
        }

        private void Cell(OpenXmlAttribute[] attributes, string value, bool inline)
        {
            StartRow();
            _w.WriteStartElement(CellElement, attributes);
            if (inline)
            {
                _w.WriteStartElement(InlineElement);
                _w.WriteStartElement(TextElement, PreserveSpace);
                _w.WriteString(value);
                _w.WriteEndElement();
                _w.WriteEndElement();
            }
            else
            {
                _w.WriteStartElement(ValueElement);
                _w.WriteString(value);
                _w.WriteEndElement();
            }
            _w.WriteEndElement();
        }

        private string Format(double value)
        {
            value.TryFormat(_scratch, out var n, "R", CultureInfo.InvariantCulture);
            return new string(_scratch, 0, n);
        }

        /// <summary>
        /// XML 1.0 cannot carry most control characters and XML readers turn a raw CR into LF, so those are written
        /// as Excel's own _xHHHH_ escapes (ST_Xstring); a literal "_x" that looks like one is escaped as _x005F_.
        /// Excel caps a cell at 32,767 characters.
        /// </summary>
        internal static string Clean(string text)
        {
            if (text.Length > MaxCellText)
            {
                text = text[..MaxCellText];
            }
            if (!text.AsSpan().ContainsAnyInRange('\0', '\u001F') && !text.Contains("_x", StringComparison.Ordinal)
                && !text.AsSpan().ContainsAny('\uFFFE', '\uFFFF'))
            {
                return text;
            }
            var sb = new StringBuilder(text.Length + 16);
            for (var i = 0; i < text.Length; i++)
            {
                var ch = text[i];
                if ((ch < 0x20 && ch is not ('\t' or '\n')) || ch is '\uFFFE' or '\uFFFF' || (ch == '_' && LooksEscaped(text, i)))
                {
                    sb.Append("_x").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture)).Append('_');
                }
                else
                {
                    sb.Append(ch);
                }
            }
            return sb.ToString();
        }

        private static bool LooksEscaped(string text, int i) =>
            i + 6 < text.Length && text[i + 1] == 'x' && text[i + 6] == '_' && text.AsSpan(i + 2, 4).ContainsAnyExcept("0123456789abcdefABCDEF") == false;

        public void Dispose()
        {
            _w.WriteEndElement(); // sheetData
            _w.WriteEndElement(); // worksheet
            _w.Close();
            _stream.Dispose();
        }
    }
}
