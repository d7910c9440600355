using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>Otlp:GenerationsFrom=Metrics: the GenAI client metrics (cumulative, as the .NET SDK sends them) become generations and tokens once each.</summary>
public sealed class OtlpMetricsModeTests() : HostedTest(new Dictionary<string, string?> { ["Otlp:GenerationsFrom"] = "Metrics" })
{
    private const string Source = "Dashboard.Tests.MetricsMode";
    private const string Run = "metrics-mode";

    [Fact]
    public async Task Export_CumulativeGenAiMetricsTwice_EachCallCountedOnceAndSpansNotTwice()
    {
        var resource = ResourceBuilder.CreateEmpty().AddService(Run);
        using (var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Source)
                   .AddOtlpExporter(o => Configure(o, "/v1/traces")).Build())
        using (var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Source)
                   .AddOtlpExporter(o => Configure(o, "/v1/metrics")).Build())
        {
            using var client = new ChatClientBuilder(new FakeChatClient()).UseOpenTelemetry(sourceName: Source).Build();
            var options = new ChatOptions { ModelId = FakeChatClient.RequestModel };
            await client.GetResponseAsync("hello", options);
            await client.GetResponseAsync("hello", options);
            meter.ForceFlush(10_000).Should().BeTrue();

            await client.GetResponseAsync("hello", options);
            var fail = () => client.GetResponseAsync("fail", options);
            await fail.Should().ThrowAsync<TimeoutException>();
            meter.ForceFlush(10_000).Should().BeTrue();
            tracer.ForceFlush(10_000).Should().BeTrue();
        }

        var points = StoredPoints.Read(Factory.DatabasePath, Run);
        // The meter exports once more when disposed, with nothing new: still four calls.
        points.Where(p => p.Name == "generation_time").Should().HaveCount(4);
        points.Where(p => p.Name == "success_rate").Select(p => p.Value).Should().BeEquivalentTo([1, 1, 1, 0]);
        points.Where(p => p.Name == "prompt_token_count").Sum(p => p.Value).Should().Be(300);
        points.Where(p => p.Name == "completion_token_count").Sum(p => p.Value).Should().Be(60);
        points.Where(p => p.Name == "total_token_count").Sum(p => p.Value).Should().Be(360);
        points.Where(p => p.Name.StartsWith("model_usage:", StringComparison.Ordinal)).Should().HaveCount(4);
        var page = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/page-data?range=all");
        page.GetProperty("generations").GetProperty("count").GetInt64().Should().Be(4);
        page.GetProperty("generations").GetProperty("failed").GetInt64().Should().Be(1);
    }

    private void Configure(OtlpExporterOptions o, string path)
    {
        o.Protocol = OtlpExportProtocol.HttpProtobuf;
        o.Endpoint = new Uri(Factory.BaseAddress, path);
        o.ExportProcessorType = ExportProcessorType.Simple;
    }
}
