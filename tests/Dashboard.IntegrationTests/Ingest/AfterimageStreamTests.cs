using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

/// <summary>
/// The recorded afterimage stream (tests/fixtures/afterimage-calls.*, New York across the DST jump, with NaN,
/// Infinity and booleans): imported with its time zone, the dashboard's stats and token report equal what
/// afterimage itself answered, and the same points sent live and imported are stored once.
/// </summary>
public sealed class AfterimageStreamTests
{
    private const string Zone = "America/New_York";

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient http, string run, byte[] body, string? timezone)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var query = timezone is null ? "" : $"?timezone={Uri.EscapeDataString(timezone)}";
        return await http.PostAsync($"/api/v1/runs/{run}/import{query}", content);
    }

    /// <summary>Compares GET stats and tokens of <paramref name="run"/> with afterimage-calls.expected.json.</summary>
    internal static async Task ShouldEqualAfterimageAsync(HttpClient http, string run)
    {
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Fixtures.Path("afterimage-calls.expected.json"))).RootElement;
        foreach (var metric in expected.GetProperty("metrics").EnumerateObject())
        {
            var stats = await Json.GetAsync(http, $"/api/v1/runs/{run}/stats?name={Uri.EscapeDataString(metric.Name)}&window=all");
            var want = metric.Value;
            stats.GetProperty("count").GetInt64().Should().Be(want.GetProperty("count").GetInt64(), metric.Name);
            foreach (var field in new[] { "mean", "min", "max" })
            {
                var (got, wanted) = (Number(stats.GetProperty(field)), Number(want.GetProperty(field)));
                if (double.IsFinite(wanted))
                {
                    got.Should().BeApproximately(wanted, 1e-9, $"{metric.Name} {field}");
                }
                else
                {
                    got.Should().Be(wanted, $"{metric.Name} {field}");
                }
            }
        }
        var tokens = await Json.GetAsync(http, $"/api/v1/runs/{run}/tokens?window=all");
        var byModel = tokens.GetProperty("by_model").EnumerateArray()
            .Select(m => (m.GetProperty("model_name").GetString(), m.GetProperty("prompt_tokens").GetInt64(),
                m.GetProperty("completion_tokens").GetInt64(), m.GetProperty("total_tokens").GetInt64()));
        var wantTokens = expected.GetProperty("token_usage");
        byModel.Should().Equal(wantTokens.GetProperty("by_model").EnumerateArray()
            .Select(m => (m.GetProperty("model_name").GetString(), m.GetProperty("prompt_tokens").GetInt64(),
                m.GetProperty("completion_tokens").GetInt64(), m.GetProperty("total_tokens").GetInt64())));
        tokens.GetProperty("total_tokens").GetInt64().Should().Be(wantTokens.GetProperty("total_tokens").GetInt64());
    }

    // NaN and the infinities arrive as "NaN"/"Infinity" strings (double.Equals holds NaN equal to NaN).
    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture)
        : e.GetDouble();

    [Fact]
    public async Task PostImport_RecordedStreamInItsTimeZone_StatsAndTokensEqualAfterimage()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var file = await File.ReadAllBytesAsync(Fixtures.Path("afterimage-calls.metrics.jsonl"));

        using var response = await ImportAsync(http, "recorded", file, Zone);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await Json.ReadAsync(response)).GetProperty("accepted").GetInt32().Should().Be(1355);
        await ShouldEqualAfterimageAsync(http, "recorded");
        var rows = StoredPoints.Read(factory.DatabasePath, "recorded");
        // 01:50:06.689950 EST is 06:50:06.689950Z; 03:14 EDT (after the jump) is 07:14Z, not 08:14Z.
        rows.Min(r => r.Timestamp).Should().Be(Ingest.Micros("2026-03-08T06:50:06.689950Z"));
        rows.Max(r => r.Timestamp).Should().BeLessThan(Ingest.Micros("2026-03-08T07:15:00Z"));
        StoredPoints.Count(factory.DatabasePath, "SELECT COUNT(*) FROM nonfinite_points").Should().Be(11);
    }

    [Fact]
    public async Task PostImport_AfterTheSamePointsWereSentLive_StoresNothingTwice()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var lines = File.ReadAllLines(Fixtures.Path("afterimage-calls.metrics.jsonl"));
        var events = lines.Select(LiveMetricEvent).ToList();
        foreach (var batch in events.Chunk(200))
        {
            using var live = await Json.PostIngestAsync(http, "backfill", [.. batch]);
            live.StatusCode.Should().Be(HttpStatusCode.OK, await live.Content.ReadAsStringAsync());
        }

        using var again = await ImportAsync(http, "backfill", Encoding.UTF8.GetBytes(string.Join('\n', lines)), Zone);

        var body = await Json.ReadAsync(again);
        (body.GetProperty("accepted").GetInt32(), body.GetProperty("duplicates").GetInt32()).Should().Be((0, 1355));
        await ShouldEqualAfterimageAsync(http, "backfill");
    }

    /// <summary>A metrics.jsonl line as a live handler sends it: a metric event with the time converted to UTC.</summary>
    private static JsonObject LiveMetricEvent(string line)
    {
        // The file's bare NaN/Infinity tokens, as the handler would send them (strings are accepted too).
        var json = line.Replace(": NaN", ": \"NaN\"", StringComparison.Ordinal).Replace(": Infinity", ": \"Infinity\"", StringComparison.Ordinal);
        var o = JsonNode.Parse(json)!.AsObject();
        var name = o["metric"]!.GetValue<string>();
        var value = o["value"]!.DeepClone();
        var wall = DateTime.Parse(o["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var utc = TimeZoneInfo.ConvertTimeToUtc(wall, TimeZoneInfo.FindSystemTimeZoneById(Zone));
        o.Remove("metric");
        o.Remove("value");
        o.Remove("timestamp");
        return new JsonObject
        {
            ["type"] = "metric", ["name"] = name, ["value"] = value,
            ["timestamp"] = utc.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture), ["metadata"] = o,
        };
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("+25:00")]
    [InlineData("local")]
    public async Task PostImport_UnknownTimeZone_Returns400NamingTimezone(string timezone)
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var response = await ImportAsync(http, "tz", """{"metric": "a", "value": 1}"""u8.ToArray(), timezone);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("timezone");
    }

    [Theory]
    [InlineData("Asia/Kolkata", "2026-11-20T09:00:00", "2026-11-20T03:30:00Z")]
    [InlineData("+05:30", "2026-11-20T09:00:00", "2026-11-20T03:30:00Z")]
    [InlineData("UTC-5", "2026-11-20T09:00:00", "2026-11-20T14:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00Z")] // twice on the clock: the first (EDT)
    [InlineData("America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00Z")] // skipped: the offset before the jump
    [InlineData("America/New_York", "2026-03-08T09:00:00+01:00", "2026-03-08T08:00:00Z")] // an explicit offset wins
    public async Task PostImport_NaiveTimes_AreWallTimeInTheGivenZone(string timezone, string stamp, string utc)
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var response = await ImportAsync(http, "tz", Encoding.UTF8.GetBytes($$"""{"metric": "a", "value": 1, "timestamp": "{{stamp}}"}"""), timezone);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        StoredPoints.Read(factory.DatabasePath, "tz").Single().Timestamp.Should().Be(Ingest.Micros(utc));
    }

    [Fact]
    public async Task PostIngest_TypedGenerationWithNoneAndUnknownFields_RecordsAsAfterimageAndNamesThem()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var response = await http.PostAsync("/api/v1/ingest", Json.Raw("""
            {"run":"typed","events":[
              {"type":"generation","timestamp":"2026-03-08T07:00:00Z","duration":1.5,"success":true,"model_name":null,
               "finish_reason":null,"prompt_token_count":10,"turns":2,"temperature":0.7},
              {"type":"generation","timestamp":"2026-03-08T07:00:01Z","duration":NaN,"success":true,"turns":1},
              {"type":"metric","name":"cache_hit","value":true,"metadata":{"timestamp":"2026-03-08T07:00:02Z","stage":"r"}}]}
            """));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await Json.ReadAsync(response)).GetProperty("ignored_fields").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("temperature", "turns");
        var rows = StoredPoints.Read(factory.DatabasePath, "typed");
        rows.Select(r => r.Name).Should().Equal("generation_time", "success_rate", "model_usage:None", "finish_reason:None",
            "prompt_token_count", "success_rate", "cache_hit");
        rows.Single(r => r.Name == "prompt_token_count").ModelName.Should().BeNull("afterimage counts it under \"unknown\"");
        rows[0].Metadata.Should().Be("""{"turns":2,"temperature":0.7}""");
        rows[^1].Should().Match<StoredPoints.Row>(r => r.Value == 1 && r.Timestamp == Ingest.Micros("2026-03-08T07:00:02Z"));
        var stats = await Json.GetAsync(http, "/api/v1/runs/typed/stats?name=generation_time&window=all");
        (stats.GetProperty("count").GetInt64(), stats.GetProperty("non_finite_count").GetInt64(), stats.GetProperty("mean").GetString())
            .Should().Be((2L, 1L, "NaN"));
    }
}
