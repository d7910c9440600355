using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Dashboard.IntegrationTests.Infrastructure;
using ExcelDataReader;

namespace Dashboard.IntegrationTests.Export;

/// <summary>Each format, read back by an independent reader, must give what was posted through the ingest API.</summary>
public sealed class ExportFormatTests : HostedTest
{

    protected override async Task SeedAsync()
    {
        await ExportTestData.PostAsync(Http);
    }

    [Fact]
    public async Task GetExport_Json_RoundTripsPointsAndMetadata()
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.Should().Be("export-run_all.json");
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var actual = new List<ExpectedPoint>();
        foreach (var metric in doc.EnumerateObject())
        {
            foreach (var p in metric.Value.EnumerateArray())
            {
                var ts = p.GetProperty("timestamp").GetString()!;
                ts.Should().EndWith("Z").And.MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$");
                var meta = p.EnumerateObject().Where(x => x.Name is not ("timestamp" or "value" or "model_name"))
                    .ToDictionary(x => x.Name, x => ExportTestData.Text(x.Value));
                actual.Add(new ExpectedPoint(metric.Name, ExportTestData.Micros(ts), p.GetProperty("value").GetDouble(),
                    p.TryGetProperty("model_name", out var m) ? m.GetString() : null, meta));
            }
        }
        ShouldMatch(actual, ExportTestData.Expected(), neutralized: false);
    }

    [Fact]
    public async Task GetExport_Csv_ZipHoldsOneSafelyNamedCsvPerMetric()
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=csv");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("export-run_all.zip");
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo("index.csv",
            "export-run_evaluation_score_grounding.csv", "export-run_latency.csv", "export-run_model_usage_gpt-4o-mini.csv");
        var actual = new List<ExpectedPoint>();
        var names = new Dictionary<string, string>
        {
            ["export-run_evaluation_score_grounding.csv"] = "evaluation_score_grounding",
            ["export-run_latency.csv"] = "latency",
            ["export-run_model_usage_gpt-4o-mini.csv"] = "model_usage:gpt-4o-mini",
        };
        using (var indexStream = new MemoryStream())
        {
            zip.GetEntry("index.csv")!.Open().CopyTo(indexStream);
            ReadCsv(indexStream.ToArray(), out _).Select(r => (r["file"]!, r["metric_name"]!)).Should().BeEquivalentTo(names.Select(kv => (kv.Key, kv.Value)));
        }
        foreach (var entry in zip.Entries.Where(e => e.FullName != "index.csv"))
        {
            using var entryStream = new MemoryStream();
            entry.Open().CopyTo(entryStream);
            var rows = ReadCsv(entryStream.ToArray(), out var header);
            header.Take(2).Should().Equal("timestamp", "value");
            header[^1].Should().Be("metric_name");
            rows.Should().OnlyContain(r => r["metric_name"] == names[entry.FullName]);
            actual.AddRange(rows.Select(r => ToPoint(names[entry.FullName], r.Where(c => c.Key != "metric_name").ToDictionary())));
        }
        ShouldMatch(actual, ExportTestData.Expected(), neutralized: true);
    }

    [Fact]
    public async Task GetExport_CsvLong_OneCsvWithMetricNameAndEveryKey()
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=csv-long");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("export-run_all.csv");
        var rows = ReadCsv(await response.Content.ReadAsByteArrayAsync(), out var header);
        header.Take(4).Should().Equal("metric_name", "timestamp", "value", "model_name");
        header.Should().Contain(["label", "note", "n", "flag", "unicode", "formula", "evaluator_type", "feedback", "metadata_value", "mixed"]);
        ShouldMatch(rows.Select(r => ToPoint(r["metric_name"]!, r)).ToList(), ExportTestData.Expected(), neutralized: true);
    }

    [Fact]
    public async Task GetExport_Xlsx_SheetsWithDatesNumbersIndexAndFrozenHeader()
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=xlsx");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var sheets = ReadXlsx(bytes);
        sheets.Select(t => t.Name).Should().Equal("index", "evaluation_score_grounding", "latency", "model_usage_gpt-4o-mini");
        var index = sheets[0].Rows;
        index[0].Should().Equal("sheet", "metric_name", "rows");
        index[3].Should().Equal("model_usage_gpt-4o-mini", "model_usage:gpt-4o-mini", 6d);
        var actual = new List<ExpectedPoint>();
        for (var t = 1; t < sheets.Count; t++)
        {
            var table = sheets[t].Rows;
            var metric = (string)index[t][1]!;
            var header = table[0].Select(x => (string)x!).ToList();
            for (var r = 1; r < table.Count; r++)
            {
                var row = table[r];
                row[0].Should().BeOfType<DateTime>(because: "timestamps are real Excel dates");
                row[1].Should().BeOfType<double>(because: "values are numbers");
                var cells = header.Select((h, i) => (h, v: row[i] switch
                {
                    null => null,
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    var o => Convert.ToString(o, CultureInfo.InvariantCulture),
                })).ToDictionary(x => x.h, x => x.v);
                var micros = (((DateTime)row[0]!).Ticks - DateTime.UnixEpoch.Ticks) / 10;
                actual.Add(new ExpectedPoint(metric, micros, (double)row[1]!, cells.GetValueOrDefault("model_name"),
                    cells.Where(c => c.Key is not ("timestamp" or "value" or "model_name")).ToDictionary(c => c.Key, c => c.Value)));
            }
        }
        ShouldMatch(actual, ExportTestData.Expected(), neutralized: true, millisecondsOnly: true);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet3.xml")!.Open()).ReadToEnd();
        sheet.Should().Contain("state=\"frozen\"").And.Contain("<x:col ");
    }

    [Theory]
    [InlineData("", "GZIP")]
    [InlineData("&compression=none", "UNCOMPRESSED")]
    public async Task GetExport_Parquet_HyparquetReadsSameRowsSchemaAndStats(string query, string codec)
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=parquet{query}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("export-run_all.parquet");
        var file = await Hyparquet.ReadAsync(await response.Content.ReadAsByteArrayAsync());
        var schema = file.GetProperty("schema").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        schema["metric_name"].GetProperty("repetition_type").GetString().Should().Be("REQUIRED");
        schema["timestamp"].GetProperty("type").GetString().Should().Be("INT64");
        var ts = schema["timestamp"].GetProperty("logical_type");
        ts.GetProperty("type").GetString().Should().Be("TIMESTAMP");
        ts.GetProperty("isAdjustedToUTC").GetBoolean().Should().BeTrue();
        ts.GetProperty("unit").GetString().Should().Be("MICROS");
        schema["value"].GetProperty("type").GetString().Should().Be("DOUBLE");
        schema["model_name"].GetProperty("repetition_type").GetString().Should().Be("OPTIONAL");
        schema["n"].GetProperty("type").GetString().Should().Be("DOUBLE", because: "every value of n is a number");
        schema["metadata_value"].GetProperty("type").GetString().Should().Be("DOUBLE");
        schema["mixed"].GetProperty("type").GetString().Should().Be("BYTE_ARRAY", because: "mixed holds a number and a string");
        schema["flag"].GetProperty("type").GetString().Should().Be("BYTE_ARRAY");
        var chunks = file.GetProperty("row_groups")[0].GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        chunks.Values.Should().OnlyContain(c => c.GetProperty("codec").GetString() == codec);
        chunks["metric_name"].GetProperty("has_dictionary").GetBoolean().Should().BeTrue();
        chunks["metric_name"].GetProperty("encodings").EnumerateArray().Select(e => e.GetString()).Should().Contain("RLE_DICTIONARY");
        chunks["model_name"].GetProperty("null_count").GetString().Should().Be("7");
        chunks["value"].GetProperty("min_value").GetDouble().Should().Be(-5.25);
        chunks["value"].GetProperty("max_value").GetDouble().Should().Be(7.5);
        var actual = file.GetProperty("rows").EnumerateArray().Select(r =>
        {
            var meta = r.EnumerateObject().Where(x => x.Name is not ("metric_name" or "timestamp" or "value" or "model_name")
                    && x.Value.ValueKind != JsonValueKind.Null)
                .ToDictionary(x => x.Name, x => x.Value.ValueKind == JsonValueKind.Number
                    ? x.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture) : ExportTestData.Text(x.Value));
            return new ExpectedPoint(r.GetProperty("metric_name").GetString()!, long.Parse(r.GetProperty("timestamp").GetString()!["micros:".Length..], CultureInfo.InvariantCulture),
                r.GetProperty("value").GetDouble(), r.GetProperty("model_name").GetString(), meta);
        }).ToList();
        ShouldMatch(actual, ExportTestData.Expected(), neutralized: false, nullsAbsent: true);
    }

    [Fact]
    public async Task GetExport_FormulaLikeText_NeutralizedInCsvAndXlsxButNumbersStayNumbers()
    {
        using var csv = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=csv-long&names=model_usage:gpt-4o-mini");
        var text = await csv.Content.ReadAsStringAsync();

        foreach (var injection in ExportTestData.Injections)
        {
            text.Should().Contain("'" + injection, because: $"{JsonSerializer.Serialize(injection)} must not start a cell");
        }
        text.Should().Contain("'=evil/model:1");
        text.Should().Contain(",-0.25,").And.NotContain("'-0.25");
        using var xlsx = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=xlsx&names=model_usage:gpt-4o-mini");
        var sheet = ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync())[1].Rows;
        var column = Array.IndexOf(sheet[0], "formula");
        sheet.Skip(1).Select(r => (string)r[column]!).Should().Equal(ExportTestData.Injections.Select(i => "'" + i));
        sheet[1][1].Should().Be(-0.25);
    }

    internal static List<Dictionary<string, string?>> ReadCsv(byte[] utf8, out List<string> header)
    {
        using var csv = CsvReader.Create(utf8, null);
        header = csv.Headers.ToList();
        var rows = new List<Dictionary<string, string?>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = csv.GetString(i) is { Length: > 0 } v ? v : null;
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Every sheet of a workbook as ExcelDataReader sees it: name and rows of typed cells.</summary>
    internal static List<(string Name, List<object?[]> Rows)> ReadXlsx(byte[] bytes)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var excel = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        var sheets = new List<(string, List<object?[]>)>();
        do
        {
            var rows = new List<object?[]>();
            while (excel.Read())
            {
                var row = new object?[excel.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = excel.GetValue(i);
                }
                rows.Add(row);
            }
            sheets.Add((excel.Name, rows));
        }
        while (excel.NextResult());
        return sheets;
    }

    private static ExpectedPoint ToPoint(string metric, Dictionary<string, string?> r) => new(metric,
        ExportTestData.Micros(r["timestamp"]!), double.Parse(r["value"]!, CultureInfo.InvariantCulture), r.GetValueOrDefault("model_name"),
        r.Where(c => c.Key is not ("metric_name" or "timestamp" or "value" or "model_name")).ToDictionary(c => c.Key, c => c.Value));

    /// <summary>Compares point by point; keys absent from a point must be empty in the export.</summary>
    private static void ShouldMatch(List<ExpectedPoint> actual, List<ExpectedPoint> expected, bool neutralized,
        bool millisecondsOnly = false, bool nullsAbsent = false)
    {
        actual = actual.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Micros).ToList();
        actual.Select(p => p.Name).Should().Equal(expected.Select(p => p.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            var (a, e) = (actual[i], expected[i]);
            var because = $"point {i} ({e.Name} at {e.Micros})";
            if (millisecondsOnly)
            {
                a.Micros.Should().BeCloseTo(e.Micros, 500, because);
            }
            else
            {
                a.Micros.Should().Be(e.Micros, because);
            }
            a.Value.Should().Be(e.Value, because);
            a.Model.Should().Be(neutralized && e.Model is not null ? ExportTestData.Neutralized(e.Model) : e.Model, because);
            var want = e.Metadata.Where(kv => !(nullsAbsent && kv.Value is null))
                .ToDictionary(kv => kv.Key, kv => neutralized && kv.Value is not null && !IsNumberOrBool(kv.Value) ? ExportTestData.Neutralized(kv.Value) : kv.Value);
            var got = a.Metadata.Where(kv => kv.Value is not null || want.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            got.Should().BeEquivalentTo(want, because);
        }
    }

    private static bool IsNumberOrBool(string s) => s is "true" or "false" || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
