using System.IO.Compression;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dashboard.Export;

/// <summary>The small fixed parts of the workbook package: content types, relationships, workbook and styles.</summary>
internal static class XlsxParts
{
    public const uint DateStyle = 1;
    public const uint HeaderStyle = 2;

    private const string RelationshipsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string OfficeRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string SheetContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";

    public static void WriteContentTypes(ZipArchive zip, int sheets) => WriteXml(zip, "[Content_Types].xml", x =>
    {
        x.WriteStartElement("Types", "http://schemas.openxmlformats.org/package/2006/content-types");
        Default(x, "rels", "application/vnd.openxmlformats-package.relationships+xml");
        Default(x, "xml", "application/xml");
        Override(x, "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        Override(x, "/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
        for (var i = 1; i <= sheets; i++)
        {
            Override(x, $"/xl/worksheets/sheet{i}.xml", SheetContentType);
        }
        x.WriteEndElement();
    });

    public static void WriteRelationships(ZipArchive zip, int sheets)
    {
        WriteXml(zip, "_rels/.rels", x =>
        {
            x.WriteStartElement("Relationships", RelationshipsNs);
            Relationship(x, "rId1", OfficeRel + "/officeDocument", "xl/workbook.xml");
            x.WriteEndElement();
        });
        WriteXml(zip, "xl/_rels/workbook.xml.rels", x =>
        {
            x.WriteStartElement("Relationships", RelationshipsNs);
            for (var i = 1; i <= sheets; i++)
            {
                Relationship(x, $"rId{i}", OfficeRel + "/worksheet", $"worksheets/sheet{i}.xml");
            }
            Relationship(x, $"rId{sheets + 1}", OfficeRel + "/styles", "styles.xml");
            x.WriteEndElement();
        });
    }

    public static void WriteWorkbook(ZipArchive zip, IReadOnlyList<string> sheetNames)
    {
        var sheets = new Sheets();
        for (var i = 0; i < sheetNames.Count; i++)
        {
            sheets.Append(new Sheet { Name = sheetNames[i], SheetId = (uint)(i + 1), Id = $"rId{i + 1}" });
        }
        var workbook = new Workbook(sheets);
        workbook.AddNamespaceDeclaration("r", OfficeRel);
        using var stream = zip.CreateEntry("xl/workbook.xml", CompressionLevel.Fastest).Open();
        workbook.Save(stream);
    }

    public static void WriteStyles(ZipArchive zip)
    {
        var stylesheet = new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd hh:mm:ss.000" }) { Count = 1 },
            new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(
                new CellFormat(),
                new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
                new CellFormat { FontId = 1, ApplyFont = true }) { Count = 3 });
        using var stream = zip.CreateEntry("xl/styles.xml", CompressionLevel.Fastest).Open();
        stylesheet.Save(stream);
    }

    private static void WriteXml(ZipArchive zip, string path, Action<XmlWriter> body)
    {
        using var stream = zip.CreateEntry(path, CompressionLevel.Fastest).Open();
        using var x = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) });
        x.WriteStartDocument(standalone: true);
        body(x);
        x.WriteEndDocument();
    }

    private static void Default(XmlWriter x, string extension, string contentType)
    {
        x.WriteStartElement("Default", "http://schemas.openxmlformats.org/package/2006/content-types");
        x.WriteAttributeString("Extension", extension);
        x.WriteAttributeString("ContentType", contentType);
        x.WriteEndElement();
    }

    private static void Override(XmlWriter x, string part, string contentType)
    {
        x.WriteStartElement("Override", "http://schemas.openxmlformats.org/package/2006/content-types");
        x.WriteAttributeString("PartName", part);
        x.WriteAttributeString("ContentType", contentType);
        x.WriteEndElement();
    }

    private static void Relationship(XmlWriter x, string id, string type, string target)
    {
        x.WriteStartElement("Relationship", RelationshipsNs);
        x.WriteAttributeString("Id", id);
        x.WriteAttributeString("Type", type);
        x.WriteAttributeString("Target", target);
        x.WriteEndElement();
    }

    /// <summary>The OpenXml attribute lists reused for every cell (no per-cell allocation of attribute objects).</summary>
    public static readonly OpenXmlAttribute[] DateCell = [new("s", "", DateStyle.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    public static readonly OpenXmlAttribute[] NumberCell = [];
    public static readonly OpenXmlAttribute[] TextCell = [new("t", "", "inlineStr")];
    public static readonly OpenXmlAttribute[] BoolCell = [new("t", "", "b")];
    public static readonly OpenXmlAttribute[] HeaderCell = [new("t", "", "inlineStr"), new("s", "", HeaderStyle.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
