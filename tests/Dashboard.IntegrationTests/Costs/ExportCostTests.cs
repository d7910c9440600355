using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Dashboard.IntegrationTests.Export;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>Exports carry a cost column where a price applies, read back by independent readers (CsvHelper,
/// ExcelDataReader, hyparquet); its sum equals the run's cost from the API.</summary>
public sealed class ExportCostTests : HostedTest
{
    private const string Run = "export-cost";

    // m-a: input 2, output 8, cached 0.5 per million; llama-local has no price.
    private const double Expected = (1000 - 200) * 2e-6 + 200 * 0.5e-6 + 400 * 8e-6 + (3000 * 2e-6 + 600 * 8e-6);

    protected override async Task SeedAsync()
    {
        var prices = new
        {
            prices = new[] { new { model = "m-a", valid_from = "2025-01-01", input_per_million = 2.0, output_per_million = 8.0, cached_input_per_million = 0.5, currency = "USD" } },
        };
        using (var put = await Http.PutAsync("/api/v1/settings/prices", Json.Content(prices)))
        {
            put.EnsureSuccessStatusCode();
        }
        using var ingest = await Json.PostIngestAsync(Http, Run,
            new { type = "generation", timestamp = "2025-03-01T10:00:00Z", duration = 1.0, success = true, model_name = "m-a",
                prompt_token_count = 1000, completion_token_count = 400, cached_token_count = 200, total_token_count = 1400 },
            new { type = "generation", timestamp = "2025-03-01T10:00:01Z", duration = 1.0, success = true, model_name = "m-a",
                prompt_token_count = 3000, completion_token_count = 600, total_token_count = 3600 },
            new { type = "generation", timestamp = "2025-03-01T10:00:02Z", duration = 1.0, success = true, model_name = "llama-local",
                prompt_token_count = 50, completion_token_count = 5, total_token_count = 55 });
        ingest.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task GetRunCost_CachedTokens_BilledAtCachedPrice()
    {
        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");

        cost.GetProperty("cost").GetDouble().Should().BeApproximately(Expected, 1e-12);
        cost.GetProperty("unpriced_points").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task GetExport_Json_CostOnPricedTokenPointsOnly()
    {
        var doc = JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/runs/{Run}/export?format=json")).RootElement;

        var prompt = doc.GetProperty("prompt_token_count").EnumerateArray().ToList();
        prompt.Single(p => p.GetProperty("value").GetDouble() == 3000).GetProperty("cost_usd").GetDouble().Should().BeApproximately(3000 * 2e-6, 1e-12);
        prompt.Single(p => p.GetProperty("model_name").GetString() == "llama-local").TryGetProperty("cost_usd", out _).Should().BeFalse();
        doc.GetProperty("generation_time").EnumerateArray().Select(p => p.TryGetProperty("cost_usd", out _)).Should().OnlyContain(has => !has);
        doc.GetProperty("total_token_count").EnumerateArray().Select(p => p.TryGetProperty("cost_usd", out _)).Should().OnlyContain(has => !has);
        var sum = doc.EnumerateObject().SelectMany(m => m.Value.EnumerateArray())
            .Sum(p => p.TryGetProperty("cost_usd", out var c) ? c.GetDouble() : 0);
        sum.Should().BeApproximately(Expected, 1e-12);
    }

    [Fact]
    public async Task GetExport_CsvLong_CostColumnSumsToRunCost()
    {
        var rows = ExportFormatTests.ReadCsv(await Http.GetByteArrayAsync($"/api/v1/runs/{Run}/export?format=csv-long"), out var header);

        header[^1].Should().Be("cost_usd");
        rows.Where(r => r["cost_usd"] is not null).Select(r => r["metric_name"]).Distinct()
            .Should().BeEquivalentTo("prompt_token_count", "completion_token_count", "cached_token_count");
        rows.Where(r => r["model_name"] == "llama-local").Should().OnlyContain(r => r["cost_usd"] == null);
        rows.Sum(r => r["cost_usd"] is { } c ? double.Parse(c, CultureInfo.InvariantCulture) : 0).Should().BeApproximately(Expected, 1e-12);
    }

    [Fact]
    public async Task GetExport_CsvZip_CostColumnOnTokenFilesOnly()
    {
        using var zip = new ZipArchive(new MemoryStream(await Http.GetByteArrayAsync($"/api/v1/runs/{Run}/export?format=csv")));

        var completion = Read(zip, "export-cost_completion_token_count.csv", out var completionHeader);
        Read(zip, "export-cost_generation_time.csv", out var timeHeader);

        completionHeader.Should().Equal("timestamp", "value", "model_name", "cost_usd", "metric_name");
        timeHeader.Should().NotContain("cost_usd");
        completion.Single(r => r["value"] == "600")["cost_usd"].Should().Be((600 * 8e-6).ToString("R", CultureInfo.InvariantCulture));
        completion.Single(r => r["model_name"] == "llama-local")["cost_usd"].Should().BeNull();
    }

    [Fact]
    public async Task GetExport_Xlsx_CostColumnOnTokenSheets()
    {
        var sheets = ExportFormatTests.ReadXlsx(await Http.GetByteArrayAsync($"/api/v1/runs/{Run}/export?format=xlsx"));

        var index = sheets[0].Rows.Skip(1).ToDictionary(r => (string)r[1]!, r => (string)r[0]!);
        var prompt = sheets.Single(s => s.Name == index["prompt_token_count"]).Rows;
        prompt[0].Should().Equal("timestamp", "value", "model_name", "cost_usd");
        prompt.Skip(1).Single(r => (double)r[1]! == 3000)[3].Should().Be(3000 * 2e-6);
        prompt.Skip(1).Single(r => (string)r[2]! == "llama-local")[3].Should().BeNull();
        sheets.Single(s => s.Name == index["success_rate"]).Rows[0].Should().NotContain("cost_usd");
    }

    [Fact]
    public async Task GetExport_Parquet_NullableDoubleCostColumn()
    {
        var file = await Hyparquet.ReadAsync(await Http.GetByteArrayAsync($"/api/v1/runs/{Run}/export?format=parquet"));

        var schema = file.GetProperty("schema").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        schema["cost_usd"].GetProperty("type").GetString().Should().Be("DOUBLE");
        schema["cost_usd"].GetProperty("repetition_type").GetString().Should().Be("OPTIONAL");
        var rows = file.GetProperty("rows").EnumerateArray().ToList();
        rows.Where(r => r.GetProperty("metric_name").GetString() == "generation_time")
            .Should().OnlyContain(r => r.GetProperty("cost_usd").ValueKind == JsonValueKind.Null);
        rows.Sum(r => r.GetProperty("cost_usd") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : 0).Should().BeApproximately(Expected, 1e-12);
    }

    [Fact]
    public async Task GetExport_EmptyPriceTable_NoCostColumn()
    {
        using (var put = await Http.PutAsync("/api/v1/settings/prices", Json.Raw("""{"prices": []}""")))
        {
            put.EnsureSuccessStatusCode();
        }

        ExportFormatTests.ReadCsv(await Http.GetByteArrayAsync($"/api/v1/runs/{Run}/export?format=csv-long"), out var header);

        header.Should().NotContain(h => h.StartsWith("cost", StringComparison.Ordinal));
        (await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost")).GetProperty("cost").ValueKind.Should().Be(JsonValueKind.Null);
    }

    private static List<Dictionary<string, string?>> Read(ZipArchive zip, string name, out List<string> header)
    {
        using var stream = new MemoryStream();
        zip.GetEntry(name)!.Open().CopyTo(stream);
        return ExportFormatTests.ReadCsv(stream.ToArray(), out header);
    }
}
