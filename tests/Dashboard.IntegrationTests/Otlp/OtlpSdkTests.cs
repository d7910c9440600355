using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Otlp;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>
/// The real OpenTelemetry .NET SDK exporting what Microsoft.Extensions.AI's UseOpenTelemetry() records
/// around a fake chat client, over http/protobuf and gRPC, into the real host.
/// </summary>
public sealed class OtlpSdkTests() : HostedTest(new Dictionary<string, string?>
{
    ["Otlp:GrpcEnabled"] = "true",
    ["Otlp:GrpcPort"] = "0",
})
{
    private const string Source = "Dashboard.Tests.Chat";

    [Theory]
    [InlineData(OtlpExportProtocol.HttpProtobuf, "sdk-http")]
    [InlineData(OtlpExportProtocol.Grpc, "sdk-grpc")]
    public async Task Export_ChatClientCalls_RunPageShowsDurationsTokensAndModels(OtlpExportProtocol protocol, string run)
    {
        using (var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(Resource(run)).AddSource(Source)
                   .AddOtlpExporter(o => Configure(o, protocol, "/v1/traces")).Build())
        using (var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(Resource(run)).AddMeter(Source)
                   .AddOtlpExporter(o => Configure(o, protocol, "/v1/metrics")).Build())
        {
            await CallChatAsync(ok: 3, failed: 1);

            tracer.ForceFlush(10_000).Should().BeTrue();
            meter.ForceFlush(10_000).Should().BeTrue();
        }

        var points = StoredPoints.Read(Factory.DatabasePath, run);
        points.Where(p => p.Name == "generation_time").Should().HaveCount(4).And.OnlyContain(p => p.Value >= 0 && p.Value < 10);
        points.Where(p => p.Name == "success_rate").Select(p => p.Value).Should().BeEquivalentTo([1, 1, 1, 0]);
        points.Where(p => p.Name == "prompt_token_count").Should().HaveCount(3)
            .And.OnlyContain(p => p.Value == 100 && p.ModelName == FakeChatClient.ResponseModel);
        points.Where(p => p.Name == "completion_token_count").Should().HaveCount(3).And.OnlyContain(p => p.Value == 20);
        points.Where(p => p.Name == "error_rate").Should().ContainSingle().Which.Metadata.Should().Contain("TimeoutException");
        // Spans are the generations (Otlp:GenerationsFrom=Spans); the SDK's own histogram is kept as a plain metric.
        var duration = points.Where(p => p.Name == "gen_ai.client.operation.duration").ToList();
        duration.Should().NotBeEmpty();
        using (var doc = JsonDocument.Parse(duration.Last(p => p.Metadata!.Contains("TimeoutException") is false).Metadata!))
        {
            doc.RootElement.GetProperty("count").GetInt64().Should().Be(3);
            doc.RootElement.GetProperty("bucket_counts").GetArrayLength().Should().Be(doc.RootElement.GetProperty("explicit_bounds").GetArrayLength() + 1);
        }

        var page = await Json.GetAsync(Http, $"/api/v1/runs/{run}/page-data?range=all");
        page.GetProperty("generations").GetProperty("count").GetInt64().Should().Be(4);
        page.GetProperty("generations").GetProperty("failed").GetInt64().Should().Be(1);
        page.GetProperty("generation_time").GetProperty("stats").GetProperty("count").GetInt64().Should().Be(4);
        // The failed call has no response, so it counts for the requested model.
        page.GetProperty("model_usage").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("count").GetInt64())
            .Should().BeEquivalentTo(new Dictionary<string, long> { [FakeChatClient.ResponseModel] = 3, [FakeChatClient.RequestModel] = 1 });
        page.GetProperty("finish_reasons").EnumerateArray().Select(m => m.GetProperty("name").GetString())
            .Should().ContainSingle().Which.Should().Contain("stop");
        var tokens = page.GetProperty("tokens");
        tokens.GetProperty("total_prompt_tokens").GetDouble().Should().Be(300);
        tokens.GetProperty("total_completion_tokens").GetDouble().Should().Be(60);

        var html = await Http.GetStringAsync($"/runs/{run}");
        html.Should().Contain(FakeChatClient.ResponseModel);
    }

    private void Configure(OtlpExporterOptions o, OtlpExportProtocol protocol, string path)
    {
        o.Protocol = protocol;
        o.Endpoint = protocol == OtlpExportProtocol.Grpc
            ? new Uri($"http://127.0.0.1:{Factory.Services.GetRequiredService<OtlpGrpcServer>().Port}")
            : new Uri(Factory.BaseAddress, path);
        o.ExportProcessorType = ExportProcessorType.Simple;
    }

    private static ResourceBuilder Resource(string run) => ResourceBuilder.CreateEmpty().AddService(run);

    private static async Task CallChatAsync(int ok, int failed)
    {
        using var client = new ChatClientBuilder(new FakeChatClient()).UseOpenTelemetry(sourceName: Source).Build();
        var options = new ChatOptions { ModelId = FakeChatClient.RequestModel };
        for (var i = 0; i < ok; i++)
        {
            await client.GetResponseAsync("hello", options);
        }
        for (var i = 0; i < failed; i++)
        {
            var call = () => client.GetResponseAsync("fail", options);
            await call.Should().ThrowAsync<TimeoutException>();
        }
    }
}
