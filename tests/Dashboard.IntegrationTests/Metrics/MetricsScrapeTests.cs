using System.Diagnostics;
using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Metrics;

public sealed class MetricsScrapeTests
{
    private const string ScrapeKey = "scrape-key-0123456789abcdefghij";

    private static readonly Dictionary<string, string?> WithScrapeKey = new() { ["Auth:ScrapeKeys:0"] = ScrapeKey };

    [Fact]
    public async Task Scrape_RealPrometheusWithScrapeKey_PromQlSeesGenerationsTokensAndAlerts()
    {
        await using var factory = SecuredDashboard.Create(WithScrapeKey);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        (await Json.PostIngestAsync(ingest, "prom-run",
            Generation(0.3, true, "gpt-4o", 100, 40), Generation(0.7, true, "gpt-4o", 100, 60),
            Generation(4, false, "gpt-4o", 100, 0), Generation(2, true, "llama-3", 10, 5),
            new { type = "evaluation", duration = 1, success = true, evaluator_type = "judge", scores = new { coherence = 0.8 } },
            new { type = "evaluation", duration = 1, success = true, evaluator_type = "judge", scores = new { coherence = 0.6 } }))
            .EnsureSuccessStatusCode();
        (await ingest.PostAsync("/api/v1/alerts", Json.Content(new
        {
            message = "Drift \"high\"", severity = "critical", metric_name = "drift", metric_value = 0.4, threshold = 0.3, run = "prom-run",
        }))).EnsureSuccessStatusCode();

        await using var prometheus = await PrometheusServer.StartAsync(factory.BaseAddress, ScrapeKey);

        await prometheus.ExpectAsync("up{job=\"dashboard\"}", 1);
        await prometheus.ExpectAsync("dashboard_generations_total{run=\"prom-run\",model=\"gpt-4o\"}", 3);
        await prometheus.ExpectAsync("dashboard_generation_failures_total{run=\"prom-run\",model=\"gpt-4o\"}", 1);
        await prometheus.ExpectAsync("sum(dashboard_generations_total{run=\"prom-run\"})", 4);
        await prometheus.ExpectAsync("sum(dashboard_tokens_total{run=\"prom-run\",type=\"prompt\"})", 310);
        await prometheus.ExpectAsync("dashboard_tokens_total{run=\"prom-run\",model=\"gpt-4o\",type=\"completion\"}", 100);
        await prometheus.ExpectAsync("dashboard_generation_duration_seconds_bucket{run=\"prom-run\",model=\"gpt-4o\",le=\"1\"}", 2);
        await prometheus.ExpectAsync("dashboard_generation_duration_seconds_sum{run=\"prom-run\",model=\"gpt-4o\"}", 5);
        await prometheus.ExpectAsync(
            "dashboard_evaluation_score_sum{run=\"prom-run\",score=\"coherence\"} / dashboard_evaluation_score_count{run=\"prom-run\",score=\"coherence\"}", 0.7);
        await prometheus.ExpectAsync(
            "ALERTS{job=\"dashboard\",alertname=\"external:drift\",alertstate=\"firing\",severity=\"critical\",run=\"prom-run\"}", 1);
        await prometheus.ExpectAsync("dashboard_commit_duration_seconds_count > 0", 1);
    }

    [Fact]
    public async Task GetMetrics_ScrapeBody_PassesPromtoolCheckMetrics()
    {
        await using var factory = SecuredDashboard.Create(WithScrapeKey);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        (await Json.PostIngestAsync(ingest, "lint-run", Generation(1.5, true, "gpt \"4o\" \\ mini", 10, 5), Generation(0.2, false, null, 1, 0),
            new { type = "evaluation", duration = 1, success = true, evaluator_type = "judge", scores = new { helpfulness = 0.9 } }))
            .EnsureSuccessStatusCode();
        (await ingest.PostAsync("/api/v1/alerts", Json.Content(new { message = "x", severity = "warning", metric_name = "m", run = "lint-run" })))
            .EnsureSuccessStatusCode();
        using var scrape = SecuredDashboard.Client(factory, ScrapeKey);

        using var response = await scrape.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        var (exitCode, output) = await PromtoolCheckAsync(body);

        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        body.Should().Contain("model=\"gpt \\\"4o\\\" \\\\ mini\"");
        body.Should().Contain("ALERTS{alertname=\"external:m\",alertstate=\"firing\",severity=\"warning\",run=\"lint-run\"} 1");
        output.Should().BeEmpty();
        exitCode.Should().Be(0, body);
    }

    [Fact]
    public async Task GetMetrics_Access_ScrapeViewerAndAdminKeysAllowedOthersRefused()
    {
        await using var factory = SecuredDashboard.Create(WithScrapeKey);
        using var anonymous = SecuredDashboard.Client(factory, null);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        using var viewer = SecuredDashboard.Client(factory, SecuredDashboard.ViewerKey);
        using var scrape = SecuredDashboard.Client(factory, ScrapeKey);

        using var none = await anonymous.GetAsync("/metrics");
        using var wrongRole = await ingest.GetAsync("/metrics");
        using var asViewer = await viewer.GetAsync("/metrics");
        using var asScrape = await scrape.GetAsync("/metrics");
        using var scrapeElsewhere = await scrape.GetAsync("/api/v1/runs");

        none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        none.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        wrongRole.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        asViewer.StatusCode.Should().Be(HttpStatusCode.OK);
        asScrape.StatusCode.Should().Be(HttpStatusCode.OK);
        scrapeElsewhere.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetMetrics_AfterRejectedEvents_CountsThemByReason()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "reject-run", Generation(1, true, "m", 1, 1), new { type = "generation", duration = -1, success = true },
            new { type = "nope" })).StatusCode.Should().Be(HttpStatusCode.MultiStatus);

        var body = await http.GetStringAsync("/metrics");

        body.Should().Contain("dashboard_ingest_rejected_events_total{reason=\"invalid\"} 2\n");
        body.Should().Contain("dashboard_ingest_rejected_events_total{reason=\"queue_full\"} 0\n");
        body.Should().Contain("dashboard_generations_total{run=\"reject-run\",model=\"m\"} 1\n");
        body.Should().Contain("dashboard_commit_duration_seconds_count 1\n");
        body.Should().Contain("dashboard_write_queue_depth 0\n");
        body.Should().Contain("dashboard_storage_errors_total 0\n");
    }

    [Fact]
    public async Task GetMetrics_DuplicateEventIds_AreCountedOnce()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var e = new { type = "generation", id = "g-1", duration = 1, success = true, model_name = "m" };

        (await Json.PostIngestAsync(http, "dup-run", e)).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "dup-run", e)).EnsureSuccessStatusCode();
        var body = await http.GetStringAsync("/metrics");

        body.Should().Contain("dashboard_generations_total{run=\"dup-run\",model=\"m\"} 1\n");
    }

    [Fact]
    public async Task GetMetrics_AfterRunDeleted_DropsItsSeries()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "kept-run", Generation(1, true, "m", 1, 1))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "deleted-run", Generation(1, true, "m", 1, 1))).EnsureSuccessStatusCode();
        (await http.GetStringAsync("/metrics")).Should().Contain("run=\"deleted-run\"");

        (await http.DeleteAsync("/api/v1/runs/deleted-run")).EnsureSuccessStatusCode();
        var body = await http.GetStringAsync("/metrics");

        body.Should().NotContain("deleted-run");
        body.Should().Contain("dashboard_generations_total{run=\"kept-run\",model=\"m\"} 1\n");
    }

    [Fact]
    public async Task GetMetrics_AfterOtlpGenAiSpans_ExportsTheirGenerationsTokensAndDuration()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var spans = string.Join(",", new[] { ("eee19b7ec3c1b174", 2_500_000_000L, "{}"), ("eee19b7ec3c1b175", 500_000_000L, "{\"code\":2}") }
            .Select(s => $$$"""
                {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"{{{s.Item1}}}","name":"chat","kind":3,
                 "startTimeUnixNano":"1000000000","endTimeUnixNano":"{{{1_000_000_000 + s.Item2}}}","status":{{{s.Item3}}},"attributes":[
                 {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                 {"key":"gen_ai.response.model","value":{"stringValue":"gpt-4o"}},
                 {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
                 {"key":"gen_ai.usage.output_tokens","value":{"intValue":30}}]}
                """));
        var body = $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-run"}}]},"scopeSpans":[{"spans":[{{{spans}}}]}]}]}""";

        (await http.PostAsync("/v1/traces", Json.Raw(body))).EnsureSuccessStatusCode();
        var text = await http.GetStringAsync("/metrics");

        text.Should().Contain("dashboard_generations_total{run=\"otlp-run\",model=\"gpt-4o\"} 2\n");
        text.Should().Contain("dashboard_generation_failures_total{run=\"otlp-run\",model=\"gpt-4o\"} 1\n");
        text.Should().Contain("dashboard_tokens_total{run=\"otlp-run\",model=\"gpt-4o\",type=\"prompt\"} 240\n");
        text.Should().Contain("dashboard_generation_duration_seconds_sum{run=\"otlp-run\",model=\"gpt-4o\"} 3\n");
        text.Should().Contain("dashboard_generation_duration_seconds_bucket{run=\"otlp-run\",model=\"gpt-4o\",le=\"0.5\"} 1\n");
    }

    internal static object Generation(double duration, bool success, string? model, int prompt, int completion) => new
    {
        type = "generation", duration, success, model_name = model, prompt_token_count = prompt, completion_token_count = completion,
        total_token_count = prompt + completion,
    };

    private static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string body)
    {
        var info = new ProcessStartInfo("/usr/bin/promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
