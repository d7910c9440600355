using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>Hand-made OTLP/JSON bodies (hex ids, int64 as strings, enums as integers) against the real host.</summary>
public sealed class OtlpJsonTests : HostedTest
{
    private const string TraceId = "5b8efff798038103d269b633813fc60c";

    [Fact]
    public async Task PostTracesJson_GenAiSpanWithEvaluationEvent_StoredOnceAsGenerationAndScore()
    {
        var body = Traces("json-run", Span("eee19b7ec3c1b174", 1_000_000_000, 3_500_000_000,
            attributes: """
                {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                {"key":"gen_ai.response.model","value":{"stringValue":"gpt-4o-2024-08-06"}},
                {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
                {"key":"gen_ai.usage.output_tokens","value":{"intValue":30}},
                {"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"length"}]}}}
                """,
            events: """
                {"timeUnixNano":"3600000000","name":"gen_ai.evaluation.result","attributes":[
                  {"key":"gen_ai.evaluation.name","value":{"stringValue":"relevance"}},
                  {"key":"gen_ai.evaluation.score.value","value":{"doubleValue":0.75}},
                  {"key":"gen_ai.evaluation.score.label","value":{"stringValue":"relevant"}},
                  {"key":"gen_ai.evaluation.explanation","value":{"stringValue":"Answers the question <b>mostly</b>."}}]}
                """));

        using var first = await PostJsonAsync("/v1/traces", body);
        using var retry = await PostJsonAsync("/v1/traces", body);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await first.Content.ReadAsStringAsync()).Should().Be("{ }");
        retry.StatusCode.Should().Be(HttpStatusCode.OK);
        var points = StoredPoints.Read(Factory.DatabasePath, "json-run");
        points.Select(p => p.Name).Should().BeEquivalentTo(
            ["generation_time", "success_rate", "model_usage:gpt-4o-2024-08-06", "finish_reason:length",
             "prompt_token_count", "completion_token_count", "total_token_count", "evaluation_score_relevance"]);
        points.Single(p => p.Name == "generation_time").Value.Should().Be(2.5);
        points.Single(p => p.Name == "generation_time").Timestamp.Should().Be(3_500_000);
        points.Single(p => p.Name == "total_token_count").Value.Should().Be(150);
        points.Single(p => p.Name == "prompt_token_count").ModelName.Should().Be("gpt-4o-2024-08-06");
        points.Single(p => p.Name == "generation_time").Metadata.Should().Contain(TraceId);
        var score = points.Single(p => p.Name == "evaluation_score_relevance");
        score.Value.Should().Be(0.75);
        using var metadata = JsonDocument.Parse(score.Metadata!);
        metadata.RootElement.GetProperty("feedback").GetString().Should().Be("Answers the question <b>mostly</b>.");
        metadata.RootElement.GetProperty("label").GetString().Should().Be("relevant");
        var page = await Json.GetAsync(Http, "/api/v1/runs/json-run/page-data?range=all");
        page.GetProperty("feedback").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("text").GetString().Should().Be("Answers the question <b>mostly</b>.");
    }

    [Fact]
    public async Task PostTracesJson_FailedSpan_StoredAsFailedGeneration()
    {
        var body = Traces("json-fail", Span("aaaaaaaaaaaaaaaa", 1_000_000_000, 1_200_000_000,
            attributes: """{"key":"gen_ai.request.model","value":{"stringValue":"m1"}}""",
            status: """{"code":2,"message":"rate limited"}"""));

        using var response = await PostJsonAsync("/v1/traces", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var points = StoredPoints.Read(Factory.DatabasePath, "json-fail");
        points.Single(p => p.Name == "success_rate").Value.Should().Be(0);
        points.Single(p => p.Name == "error_rate").Metadata.Should().Contain("rate limited");
    }

    [Fact]
    public async Task PostMetricsJson_GaugeSumAndHistogramTwice_StoredOnceAsPlainMetricsWithMetadata()
    {
        var body = Metrics("plain-run", """
            {"name":"queue.depth","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":3.5,
              "attributes":[{"key":"queue","value":{"stringValue":"a"}}]}]}},
            {"name":"requests","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"42"}]}},
            {"name":"latency","histogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"1700000000000000000",
              "count":"4","sum":10,"min":1,"max":4,"bucketCounts":["1","2","1"],"explicitBounds":[2,3],
              "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"m2"}}]}]}}
            """);

        using var response = await PostJsonAsync("/v1/metrics", body);
        using var retry = await PostJsonAsync("/v1/metrics", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        retry.StatusCode.Should().Be(HttpStatusCode.OK);
        // The retry is recognized by the points' content ids and stored nothing.
        var points = StoredPoints.Read(Factory.DatabasePath, "plain-run");
        points.Should().HaveCount(3);
        points.Single(p => p.Name == "queue.depth").Value.Should().Be(3.5);
        points.Single(p => p.Name == "queue.depth").Metadata.Should().Be("""{"queue":"a"}""");
        points.Single(p => p.Name == "queue.depth").Timestamp.Should().Be(1_700_000_000_000_000);
        points.Single(p => p.Name == "requests").Value.Should().Be(42);
        points.Single(p => p.Name == "requests").Metadata.Should().Be("""{"temporality":"cumulative","monotonic":true}""");
        var latency = points.Single(p => p.Name == "latency");
        latency.Value.Should().Be(2.5);
        latency.ModelName.Should().Be("m2");
        latency.Metadata.Should().Be("""{"count":4,"sum":10,"min":1,"max":4,"explicit_bounds":[2,3],"bucket_counts":[1,2,1],"temporality":"delta"}""");
    }

    [Fact]
    public async Task PostMetricsJson_SomePointsInvalid_PartialSuccessNamesRejectedCount()
    {
        var good = ResourceMetrics("partial-run", """
            {"name":"ok","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":1}]}},
            {"name":"no_time","gauge":{"dataPoints":[{"timeUnixNano":"0","asDouble":1}]}},
            {"name":"no_value","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000"}]}}
            """);
        const string orphan = """
            {"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[{"name":"orphan","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":1}]}}]}]}
            """;
        var body = "{\"resourceMetrics\":[" + good + "," + orphan + "]}";

        using var response = await PostJsonAsync("/v1/metrics", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await Json.ReadAsync(response);
        var partial = answer.GetProperty("partialSuccess");
        partial.GetProperty("rejectedDataPoints").GetString().Should().Be("3");
        partial.GetProperty("errorMessage").GetString().Should().Contain("time_unix_nano").And.Contain("service.name").And.Contain("as_double");
        StoredPoints.Read(Factory.DatabasePath, "partial-run").Select(p => p.Name).Should().Equal("ok");
    }

    [Fact]
    public async Task PostLogsJson_RecordsAndEvaluationEvent_StoredAsLogLinesAndScores()
    {
        var body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"log-run"}}]},
             "scopeLogs":[{"logRecords":[
               {"timeUnixNano":"1700000000000000000","severityNumber":17,"body":{"stringValue":"model call failed"},
                "traceId":"5b8efff798038103d269b633813fc60c","attributes":[{"key":"attempt","value":{"intValue":"2"}}]},
               {"observedTimeUnixNano":"1700000001000000000","severityNumber":13,"severityText":"WARN","body":{"stringValue":"slow"}},
               {"timeUnixNano":"1700000002000000000","eventName":"gen_ai.evaluation.result","attributes":[
                 {"key":"gen_ai.evaluation.name","value":{"stringValue":"toxicity"}},
                 {"key":"gen_ai.evaluation.score.value","value":{"doubleValue":0.1}},
                 {"key":"gen_ai.evaluation.explanation","value":{"stringValue":"benign"}}]}
             ]}]}]}
            """;

        using var response = await PostJsonAsync("/v1/logs", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var logs = await Json.GetAsync(Http, "/api/v1/runs/log-run/logs");
        var lines = logs.ValueKind == JsonValueKind.Array ? logs : logs.GetProperty("logs");
        lines.EnumerateArray().Select(l => (l.GetProperty("level").GetString(), l.GetProperty("message").GetString()))
            .Should().BeEquivalentTo([("error", "model call failed"), ("warning", "slow")]);
        var score = StoredPoints.Read(Factory.DatabasePath, "log-run").Should().ContainSingle().Subject;
        score.Name.Should().Be("evaluation_score_toxicity");
        score.Value.Should().Be(0.1);
        score.Metadata.Should().Contain("benign");
    }

    [Fact]
    public async Task PostMetricsJson_RunHeaderAndRunAttributeQuery_OverrideServiceName()
    {
        var body = Metrics("svc", """{"name":"m","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":1}]}}""")
            .Replace("\"attributes\":[", "\"attributes\":[{\"key\":\"deployment.run\",\"value\":{\"stringValue\":\"from attribute\"}},");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = Json.Raw(body) };
        request.Headers.Add("x-dashboard-run", "from-header");

        using var byHeader = await Http.SendAsync(request);
        using var byAttribute = await PostJsonAsync("/v1/metrics?run_attribute=deployment.run", body);

        byHeader.StatusCode.Should().Be(HttpStatusCode.OK);
        byAttribute.StatusCode.Should().Be(HttpStatusCode.OK);
        StoredPoints.Read(Factory.DatabasePath, "from-header").Should().ContainSingle();
        // The attribute's value is made a legal run name: the space becomes '_'.
        StoredPoints.Read(Factory.DatabasePath, "from_attribute").Should().ContainSingle();
        StoredPoints.Read(Factory.DatabasePath, "svc").Should().BeEmpty();
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string body) => Http.PostAsync(path, Json.Raw(body));

    internal static string Metrics(string service, string metrics) => "{\"resourceMetrics\":[" + ResourceMetrics(service, metrics) + "]}";

    private static string ResourceMetrics(string service, string metrics) =>
        $$$"""{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},"scopeMetrics":[{"scope":{"name":"test"},"metrics":[{{{metrics}}}]}]}""";

    private static string Traces(string service, string spans) =>
        $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},"scopeSpans":[{"spans":[{{{spans}}}]}]}]}""";

    private static string Span(string spanId, long start, long end, string attributes, string events = "", string status = "{}") =>
        $$"""
        {"traceId":"{{TraceId}}","spanId":"{{spanId}}","name":"chat","kind":3,
         "startTimeUnixNano":"{{start}}","endTimeUnixNano":"{{end}}","attributes":[{{attributes}}],"events":[{{events}}],"status":{{status}}}
        """;
}
