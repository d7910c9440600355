using System.IO.Compression;
using System.Net;
using System.Text;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Dashboard.Otlp.Proto;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>Every error answer of the OTLP/HTTP receiver, each problem+json naming the field; and gzip within the limit.</summary>
public sealed class OtlpErrorTests() : HostedTest(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "4096" })
{
    private static readonly string ValidMetrics =
        OtlpJsonTests.Metrics("err-run", """{"name":"m","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":1}]}}""");

    public static TheoryData<string, byte[], string> BadBodies => new()
    {
        { "application/x-protobuf", [0x0A, 0x05, 0x01], "body" },
        { "application/json", Encoding.UTF8.GetBytes("{\"resourceMetrics\":"), "body" },
        { "application/json", Encoding.UTF8.GetBytes("[1,2]"), "body" },
        { "application/json", Encoding.UTF8.GetBytes("{\"resourceMetrics\":\"nope\"}"), "body" },
        { "application/json", Encoding.UTF8.GetBytes("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"gauge\":{\"dataPoints\":[{\"asDouble\":\"x\"}]}}]}]}]}"), "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PostMetrics_BadBody_Returns400NamingBody(string contentType, byte[] body, string field)
    {
        using var response = await PostAsync("/v1/metrics", body, contentType);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task PostTraces_TraceIdNotHex_Returns400NamingBody()
    {
        var body = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex","spanId":"eee19b7ec3c1b174"}]}]}]}""";

        using var response = await PostAsync("/v1/traces", Encoding.UTF8.GetBytes(body), "application/json");

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "body");
        problem.Should().Contain("traceId");
    }

    [Fact]
    public async Task PostMetrics_GzipNotGzip_Returns400()
    {
        using var response = await PostAsync("/v1/metrics", Encoding.UTF8.GetBytes(ValidMetrics), "application/json", "gzip");

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task PostMetrics_RunHeaderIllegal_Returns400NamingRun()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = Json.Raw(ValidMetrics) };
        request.Headers.Add("x-dashboard-run", "no spaces allowed");

        using var response = await Http.SendAsync(request);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "run");
    }

    [Fact]
    public async Task PostMetrics_BodyOverLimit_Returns413()
    {
        var body = Encoding.UTF8.GetBytes(ValidMetrics + new string(' ', 5000));

        using var response = await PostAsync("/v1/metrics", body, "application/json");

        await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task PostMetrics_GzipInflatesOverLimit_Returns413()
    {
        var inflated = Encoding.UTF8.GetBytes(ValidMetrics + new string(' ', 100_000));
        var compressed = Gzip(inflated);
        compressed.Length.Should().BeLessThan(4096, "the compressed body alone is within Ingest:MaxBodyBytes");

        using var response = await PostAsync("/v1/metrics", compressed, "application/json", "gzip");

        await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task PostMetrics_GzipProtobufWithinLimit_StoredAndAnsweredInProtobuf()
    {
        var request = new ExportMetricsServiceRequest();
        var resource = new ResourceMetrics { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "gzip-run" } });
        var gauge = new Gauge();
        gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = 1_700_000_000_000_000_000, AsInt = 7 });
        gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = 0, AsInt = 8 });
        resource.ScopeMetrics.Add(new ScopeMetrics { Metrics = { new Metric { Name = "g", Gauge = gauge } } });
        request.ResourceMetrics.Add(resource);

        using var response = await PostAsync("/v1/metrics", Gzip(request.ToByteArray()), "application/x-protobuf", "gzip");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-protobuf");
        var answer = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        answer.PartialSuccess.RejectedDataPoints.Should().Be(1);
        answer.PartialSuccess.ErrorMessage.Should().Contain("time_unix_nano");
        StoredPoints.Read(Factory.DatabasePath, "gzip-run").Should().ContainSingle().Which.Value.Should().Be(7);
    }

    [Theory]
    [InlineData("text/plain", null, "Content-Type")]
    [InlineData("application/json", "br", "Content-Encoding")]
    public async Task PostMetrics_UnsupportedTypeOrEncoding_Returns415(string contentType, string? encoding, string field)
    {
        using var response = await PostAsync("/v1/metrics", Encoding.UTF8.GetBytes(ValidMetrics), contentType, encoding);

        await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType, field);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("x-otlp-api-key:" + SecuredDashboard.ViewerKey, HttpStatusCode.Forbidden)]
    [InlineData("x-otlp-api-key:" + SecuredDashboard.IngestKey, HttpStatusCode.OK)]
    [InlineData("X-Api-Key:" + SecuredDashboard.IngestKey, HttpStatusCode.OK)]
    [InlineData("Authorization:Bearer " + SecuredDashboard.IngestKey, HttpStatusCode.OK)]
    public async Task PostMetrics_Secured_NeedsIngestKey(string? header, HttpStatusCode expected)
    {
        await using var secured = SecuredDashboard.Create();
        using var http = secured.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = Json.Raw(ValidMetrics) };
        if (header is not null)
        {
            var colon = header.IndexOf(':');
            request.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 1)..]);
        }

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(expected);
        StoredPoints.Read(secured.DatabasePath, "err-run").Should().HaveCount(expected == HttpStatusCode.OK ? 1 : 0);
    }

    [Fact]
    public async Task PostMetrics_OverKeyRateLimit_Returns429WithRetryAfter()
    {
        await using var secured = SecuredDashboard.Create(new Dictionary<string, string?>
        {
            ["Auth:RateLimitPerSecond"] = "1",
            ["Auth:RateLimitBurst"] = "1",
        });
        using var http = secured.CreateHttpClient();
        http.DefaultRequestHeaders.Add("x-otlp-api-key", SecuredDashboard.IngestKey);

        using var first = await http.PostAsync("/v1/metrics", Json.Raw(ValidMetrics));
        using var second = await http.PostAsync("/v1/metrics", Json.Raw(ValidMetrics));

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        second.Headers.RetryAfter.Should().NotBeNull();
    }

    [SqliteFact]
    public async Task PostMetrics_QueueFull_Returns503WithRetryAfterAndStoresNothingOfIt()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>
        {
            ["Ingest:QueueCapacity"] = "1",
            ["Storage:BusyTimeoutMilliseconds"] = "3000",
        });
        using var http = factory.CreateHttpClient();
        (await http.PostAsync("/v1/metrics", Json.Raw(ValidMetrics))).EnsureSuccessStatusCode();

        // Another connection holds the write lock, so the writer waits and the queue fills.
        using var blocker = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
        blocker.Open();
        using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }
        // Distinct values: identical points would be stored once by their content ids.
        var pending = Enumerable.Range(0, 5).Select(i => http.PostAsync("/v1/metrics",
            Json.Raw(ValidMetrics.Replace("err-run", "full-run").Replace("\"asDouble\":1", $"\"asDouble\":{i + 10}")))).ToList();
        await WaitFor.ConditionAsync(() => pending.Any(p => p.IsCompleted), TimeSpan.FromSeconds(30), "a full queue answers at once");
        using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        var responses = await Task.WhenAll(pending);

        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        rejected.Should().NotBeEmpty();
        rejected.Should().OnlyContain(r => r.Headers.RetryAfter != null);
        StoredPoints.Read(factory.DatabasePath, "full-run").Should().HaveCount(responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType, string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        return await Http.PostAsync(path, content);
    }

    private static async Task<string> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await Json.ReadAsync(response);
        problem.GetProperty("field").GetString().Should().Be(field);
        return problem.GetRawText();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }
}
