using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

/// <summary>The real afterimage metrics.jsonl fixture imports exactly, and its stats match afterimage's get_metrics.</summary>
public sealed class AfterimageImportTests
{
    private static async Task<HttpResponseMessage> ImportAsync(HttpClient http, string run, string path)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return await http.PostAsync($"/api/v1/runs/{run}/import", content);
    }

    /// <summary>What afterimage's get_metrics(name, window=all) returns: mean (sum in file order / n), min, max, count.</summary>
    private static Dictionary<string, (int Count, double Mean, double Min, double Max)> AfterimageStats(string path)
    {
        var values = new Dictionary<string, List<double>>();
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var name = doc.RootElement.GetProperty("metric").GetString()!;
            var v = doc.RootElement.GetProperty("value");
            var value = v.ValueKind switch { JsonValueKind.True => 1, JsonValueKind.False => 0, _ => v.GetDouble() };
            (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(value);
        }
        return values.ToDictionary(kv => kv.Key, kv =>
        {
            var sum = 0d;
            foreach (var x in kv.Value)
            {
                sum += x;
            }
            return (kv.Value.Count, sum / kv.Value.Count, kv.Value.Min(), kv.Value.Max());
        });
    }

    [Fact]
    public async Task PostImport_AfterimageFixture_StoresEveryLineWithMetadata()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var path = Fixtures.Path("afterimage-metrics.jsonl");

        using var response = await ImportAsync(http, "fixture", path);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await Json.ReadAsync(response);
        body.GetProperty("accepted").GetInt32().Should().Be(1759);
        var rows = StoredPoints.Read(factory.DatabasePath, "fixture");
        rows.Should().HaveCount(1759);
        rows.Select(r => r.Name).Distinct().Should().HaveCount(17);
        // Naive timestamps are UTC: the first line is 2026-11-20T09:00:00.
        rows[0].Timestamp.Should().Be(Ingest.Micros("2026-11-20T09:00:00Z"));
        rows.Should().Contain(r => r.ModelName != null && r.ModelName.Contains('/'));
        rows.Where(r => r.Name.StartsWith("evaluation_score_", StringComparison.Ordinal))
            .Should().Contain(r => r.Metadata!.Contains("evaluator_type", StringComparison.Ordinal) && r.Metadata.Contains("feedback", StringComparison.Ordinal));
        rows.Should().Contain(r => r.Metadata != null && r.Metadata.Contains("\\u0022", StringComparison.Ordinal) || r.Metadata != null && r.Metadata.Contains("\\\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetStats_ImportedFixture_MatchesAfterimageGetMetrics()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var path = Fixtures.Path("afterimage-metrics.jsonl");
        (await ImportAsync(http, "fixture", path)).EnsureSuccessStatusCode();
        var expected = AfterimageStats(path);

        expected.Should().HaveCount(17);
        foreach (var (name, e) in expected)
        {
            var s = await Json.GetAsync(http, $"/api/v1/runs/fixture/stats?window=all&name={Uri.EscapeDataString(name)}");
            s.GetProperty("count").GetInt32().Should().Be(e.Count, name);
            s.GetProperty("mean").GetDouble().Should().Be(e.Mean, name);
            s.GetProperty("min").GetDouble().Should().Be(e.Min, name);
            s.GetProperty("max").GetDouble().Should().Be(e.Max, name);
        }
    }

    [Fact]
    public async Task GetRuns_ImportedFixture_ReportsFailureShareNotErrorRateMean()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var path = Fixtures.Path("afterimage-metrics.jsonl");
        (await ImportAsync(http, "fixture", path)).EnsureSuccessStatusCode();
        var expected = AfterimageStats(path);

        var run = (await Json.GetAsync(http, "/api/v1/runs")).EnumerateArray().Single();

        expected["error_rate"].Mean.Should().Be(1.0, "afterimage records error_rate only on failure");
        run.GetProperty("failure_share").GetDouble().Should().BeApproximately(1 - expected["success_rate"].Mean, 1e-12);
        run.GetProperty("failure_share").GetDouble().Should().BeInRange(0.01, 0.15);
    }

    [Fact]
    public async Task PostImport_SameFileTwice_StoresOnce()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var path = Fixtures.Path("afterimage-metrics.jsonl");
        (await ImportAsync(http, "twice", path)).EnsureSuccessStatusCode();

        using var again = await ImportAsync(http, "twice", path);

        var body = await Json.ReadAsync(again);
        (body.GetProperty("accepted").GetInt32(), body.GetProperty("duplicates").GetInt32()).Should().Be((0, 1759));
    }

    [Fact]
    public async Task PostImport_BadLines_Returns207AndKeepsGoodOnesAndNaN()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file,
        [
            """{"metric": "a", "value": 1.0, "timestamp": "2026-11-20T09:00:00"}""",
            """{"metric": "a", "value": NaN, "timestamp": "2026-11-20T09:00:01"}""",
            """{"metric": "a", "value": "x"}""",
            """{"metric": "b", "value": 2, "timestamp": "2026-11-20T09:00:02", "model_name": "m"}""",
        ]);

        using var response = await ImportAsync(http, "partial", file);

        response.StatusCode.Should().Be((HttpStatusCode)207);
        var body = await Json.ReadAsync(response);
        body.GetProperty("accepted").GetInt32().Should().Be(3, "NaN is kept (stored apart from the finite points)");
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).Should().Equal(2);
        StoredPoints.Read(factory.DatabasePath, "partial").Select(r => (r.Name, r.ModelName)).Should().Equal(("a", null), ("b", "m"));
    }

    [Fact]
    public async Task GetQueries_ImportedFixture_SeriesTokensMetrics()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await ImportAsync(http, "fixture", Fixtures.Path("afterimage-metrics.jsonl"))).EnsureSuccessStatusCode();

        var metrics = await Json.GetAsync(http, "/api/v1/runs/fixture/metrics");
        var series = await Json.GetAsync(http, "/api/v1/runs/fixture/series?name=generation_time");
        var tokens = await Json.GetAsync(http, "/api/v1/runs/fixture/tokens");

        metrics.GetArrayLength().Should().Be(17);
        var buckets = series.GetProperty("buckets").EnumerateArray().ToList();
        buckets.Count.Should().BeInRange(1, 1000);
        buckets.Sum(b => b.GetProperty("count").GetInt64()).Should().Be(metrics.EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "generation_time").GetProperty("count").GetInt64());
        var models = tokens.GetProperty("by_model").EnumerateArray().Select(m => m.GetProperty("model_name").GetString()).ToList();
        models.Should().BeInAscendingOrder(StringComparer.Ordinal);
        models.Should().Contain(m => m!.Contains('/'));
        tokens.GetProperty("total_tokens").GetInt64().Should().Be(tokens.GetProperty("by_model").EnumerateArray().Sum(m => m.GetProperty("total_tokens").GetInt64()));
    }
}
