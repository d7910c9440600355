using Dashboard.Storage;
using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Predictions;

public sealed class PredictionSummaryEndpointTests
{
    private const string Xss = "<img src=x onerror=alert(1)>";

    private static object Prediction(string t, string label, double confidence, double time) =>
        new { type = "prediction", timestamp = t, prediction = label, confidence, processing_time = time };

    [Fact]
    public async Task GetSummary_AfterIngest_ReturnsExactFigures()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        using var post = await Json.PostIngestAsync(http, "clf",
            Prediction("2025-03-01T13:00:00Z", "pos", 0.45, 1),
            Prediction("2025-03-01T13:00:30Z", "pos", 0.5, 2),
            Prediction("2025-03-01T13:01:00Z", Xss, 0.7, 6),
            Prediction("2025-03-01T14:02:00Z", "pos", 0.9, 4),
            new { type = "prediction_error", timestamp = "2025-03-01T14:02:00Z", error_type = "Timeout" });
        post.StatusCode.Should().Be(HttpStatusCode.OK);

        var s = await Json.GetAsync(http, "/api/v1/runs/clf/predictions/summary?window=all");

        var expected = new
        {
            run = "clf", window = "all", predictions = 4, errors = 1,
            predictions_per_minute = 4 / 62.0, average_confidence = (0.45 + 0.5 + 0.7 + 0.9) / 4,
            confidence_buckets = new { very_low = 1, low = 1, medium = 1, high = 0, very_high = 1 },
            labels = new object[] { new { label = "pos", count = 3, share = 0.75 }, new { label = Xss, count = 1, share = 0.25 } },
            processing_time = new { count = 4, mean = 3.25, p50 = 3.0, p90 = 5.4, p95 = 5.7, p99 = 5.94 },
            error_rate = 0.2,
            anomaly = new
            {
                score = (0.5 + 0.25 + 0) / 3, low_confidence_share = 0.5, slow_share = 0.25, label_skew = 0.0,
                indicators = new[] { "50% of predictions below 0.6 confidence", "25% of predictions took longer than 5 s" },
            },
            by_hour = Enumerable.Range(0, 24).Select(h => h == 13 ? 3 : h == 14 ? 1 : 0).ToArray(),
            more_labels = 0,
        };
        Normalize(s).Should().Be(Normalize(JsonSerializer.SerializeToElement(expected)));
    }

    [Fact]
    public async Task GetSummary_WindowOfOneHour_LeavesOutOlderPoints()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var now = DateTimeOffset.UtcNow;
        using var post = await Json.PostIngestAsync(http, "recent",
            Prediction(now.AddHours(-3).ToString("O"), "a", 0.9, 0.1),
            Prediction(now.AddMinutes(-1).ToString("O"), "b", 0.95, 0.2));
        post.EnsureSuccessStatusCode();

        var hour = await Json.GetAsync(http, "/api/v1/runs/recent/predictions/summary?window=1h");
        var all = await Json.GetAsync(http, "/api/v1/runs/recent/predictions/summary");

        hour.GetProperty("predictions").GetInt32().Should().Be(1);
        hour.GetProperty("predictions_per_minute").GetDouble().Should().BeApproximately(1 / 60.0, 1e-12);
        hour.GetProperty("labels")[0].GetProperty("label").GetString().Should().Be("b");
        all.GetProperty("window").GetString().Should().Be("all");
        all.GetProperty("predictions").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task GetSummary_UnknownRun_Returns404Problem()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var response = await http.GetAsync("/api/v1/runs/nope/predictions/summary");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run");
    }

    [Fact]
    public async Task GetSummary_BadWindow_Returns400NamingWindow()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "clf", Prediction("2025-03-01T13:00:00Z", "a", 0.9, 1))).EnsureSuccessStatusCode();

        using var response = await http.GetAsync("/api/v1/runs/clf/predictions/summary?window=fortnight");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("window");
    }

    [Fact]
    public async Task GetPredictionRuns_OnlyRunsWithPredictionsOrErrors()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "gen", new { type = "generation", duration = 1, success = true })).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "errs", new { type = "prediction_error", error_type = "X" })).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "preds", Prediction("2025-03-01T13:00:00Z", "a", 0.9, 1))).EnsureSuccessStatusCode();

        var runs = await Json.GetAsync(http, "/api/v1/predictions/runs");

        runs.EnumerateArray().Select(r => (r.GetProperty("run").GetString(), r.GetProperty("predictions").GetInt32(), r.GetProperty("errors").GetInt32()))
            .Should().BeEquivalentTo([("errs", 0, 1), ("preds", 1, 0)]);
    }

    [Fact]
    public async Task PredictionsPage_XssLabel_IsEncodedText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "clf", Prediction("2025-03-01T13:00:00Z", Xss, 0.9, 1))).EnsureSuccessStatusCode();

        var html = await http.GetStringAsync("/predictions?run=clf");

        html.Should().NotContain("<img src=x");
        html.Should().Contain("&lt;img src=x onerror=alert(1)&gt;");
    }

    /// <summary>Numbers through double (3 equals 3.0) and strings through one escaper, so only values are compared.</summary>
    private static string Normalize(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => $"\"{p.Name}\":{Normalize(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Normalize)) + "]",
        JsonValueKind.Number => Math.Round(e.GetDouble(), 12).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.String => JsonSerializer.Serialize(e.GetString()),
        _ => e.GetRawText(),
    };
}
