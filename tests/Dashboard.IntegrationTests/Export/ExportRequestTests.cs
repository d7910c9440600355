using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Export;

/// <summary>Parameters, empty ranges, file names and the real afterimage fixture.</summary>
public sealed class ExportRequestTests : HostedTest
{

    protected override async Task SeedAsync()
    {
        await ExportTestData.PostAsync(Http);
    }

    [Theory]
    [InlineData("format=pdf", "format")]
    [InlineData("", "format")]
    [InlineData("format=json&window=5x", "window")]
    [InlineData("format=json&from=yesterday", "from")]
    [InlineData("format=json&to=2026-13-45", "to")]
    [InlineData("format=json&from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z", "from")]
    [InlineData("format=json&window=1h&from=1767607200", "window")]
    [InlineData("format=json&names=latency,,score", "names")]
    [InlineData("format=json&names=no_such_metric", "names")]
    [InlineData("format=csv&compression=none", "compression")]
    [InlineData("format=parquet&compression=zstd", "compression")]
    public async Task GetExport_BadParameter_Returns400NamingIt(string query, string field)
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }

    [Fact]
    public async Task GetExport_UnknownRun_Returns404()
    {
        using var response = await Http.GetAsync("/api/v1/runs/nobody/export?format=json");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run");
    }

    [Theory]
    [InlineData("from=2026-01-05T10:00:01Z&to=2026-01-05T10:00:03.5Z", "export-run_20260105T100001Z-20260105T100003Z.json", 3)]
    [InlineData("from=1767607201&to=1767607203.5", "export-run_20260105T100001Z-20260105T100003Z.json", 3)]
    [InlineData("window=24h", "export-run_24h.json", 0)]
    public async Task GetExport_Range_FiltersPointsAndNamesTheFile(string range, string fileName, int latencyPoints)
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{ExportTestData.Run}/export?format=json&names=latency&{range}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be(fileName);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        doc.EnumerateObject().Select(p => p.Name).Should().Equal("latency");
        doc.GetProperty("latency").GetArrayLength().Should().Be(latencyPoints);
    }

    [Fact]
    public async Task GetExport_EmptyRange_EveryFormatIsAValidEmptyFile()
    {
        const string range = "from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z";

        var json = await GetBytesAsync($"format=json&{range}");
        var csv = await GetBytesAsync($"format=csv&{range}");
        var csvLong = await GetBytesAsync($"format=csv-long&{range}");
        var xlsx = await GetBytesAsync($"format=xlsx&{range}");
        var parquet = await GetBytesAsync($"format=parquet&{range}");

        JsonDocument.Parse(json).RootElement.GetProperty("latency").GetArrayLength().Should().Be(0);
        using var zip = new ZipArchive(new MemoryStream(csv));
        zip.Entries.Should().HaveCount(4); // index.csv and one file per metric
        new StreamReader(zip.GetEntry("export-run_latency.csv")!.Open()).ReadToEnd().Should().Be("timestamp,value,metric_name\r\n");
        ExportFormatTests.ReadCsv(csvLong, out var header).Should().BeEmpty();
        header.Should().StartWith(["metric_name", "timestamp", "value", "model_name"]);
        var sheets = ExportFormatTests.ReadXlsx(xlsx);
        sheets.Should().HaveCount(4);
        sheets[2].Rows.Should().ContainSingle().Which.Should().Equal("timestamp", "value");
        var file = await Hyparquet.ReadAsync(parquet);
        file.GetProperty("num_rows").GetString().Should().Be("0");
        file.GetProperty("rows").GetArrayLength().Should().Be(0);
        file.GetProperty("schema").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .Should().StartWith(["metric_name", "timestamp", "value", "model_name"]);
    }

    [Fact]
    public async Task GetExport_ImportedAfterimageFixture_KeepsFeedbackAndSlashModelNames()
    {
        var body = await File.ReadAllBytesAsync(Fixtures.Path("afterimage-metrics.jsonl"));
        using (var import = await Http.PostAsync("/api/v1/runs/afterimage/import", new ByteArrayContent(body)
        {
            Headers = { ContentType = new("application/x-ndjson") },
        }))
        {
            import.IsSuccessStatusCode.Should().BeTrue(await import.Content.ReadAsStringAsync());
        }

        var json = JsonDocument.Parse(await GetBytesAsync("format=json", "afterimage")).RootElement;
        var csvZip = new ZipArchive(new MemoryStream(await GetBytesAsync("format=csv", "afterimage")));
        var parquet = await Hyparquet.ReadAsync(await GetBytesAsync("format=parquet", "afterimage"));

        json.EnumerateObject().Should().HaveCount(17);
        json.EnumerateObject().Sum(m => m.Value.GetArrayLength()).Should().Be(1759);
        var grounding = json.GetProperty("evaluation_score_grounding").EnumerateArray().ToList();
        grounding.Should().Contain(p => p.GetProperty("feedback").GetString() == "Cites the document, \"mostly\" accurate, = ok.");
        grounding.Should().OnlyContain(p => p.GetProperty("evaluator_type").GetString() == "ConversationJudge");
        json.GetProperty("evaluation_score_overall")[0].GetProperty("feedback").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("prompt_token_count").EnumerateArray().Select(p => p.GetProperty("model_name").GetString())
            .Should().Contain("meta-llama/Llama-3.1-8B-Instruct");
        json.GetProperty("model_creation_time")[0].GetProperty("prompt_type").GetString().Should().Be("respondent");

        csvZip.Entries.Select(e => e.FullName).Should().Contain("afterimage_model_usage_meta-llama_Llama-3.1-8B-Instruct.csv")
            .And.OnlyContain(n => !n.Contains('/') && !n.Contains(':'));
        using var entry = new MemoryStream();
        csvZip.GetEntry("afterimage_evaluation_score_grounding.csv")!.Open().CopyTo(entry);
        var rows = ExportFormatTests.ReadCsv(entry.ToArray(), out var header);
        header.Should().Equal("timestamp", "value", "evaluator_type", "feedback", "metric_name");
        rows.Should().Contain(r => r["feedback"] == "Cites the document, \"mostly\" accurate, = ok.");
        Encoding.UTF8.GetString(entry.ToArray()).Should().Contain("\"Cites the document, \"\"mostly\"\" accurate, = ok.\"");

        parquet.GetProperty("num_rows").GetString().Should().Be("1759");
        var prows = parquet.GetProperty("rows").EnumerateArray().ToList();
        prows.Count(r => r.GetProperty("model_name").GetString() == "meta-llama/Llama-3.1-8B-Instruct").Should().Be(276);
        prows.Should().Contain(r => r.GetProperty("feedback").GetString() == "Cites the document, \"mostly\" accurate, = ok.");
    }

    private async Task<byte[]> GetBytesAsync(string query, string run = ExportTestData.Run)
    {
        using var response = await Http.GetAsync($"/api/v1/runs/{run}/export?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }
}
