using System.Buffers.Binary;
using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Dashboard.Otlp;
using Dashboard.Otlp.Proto;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>OTLP/gRPC keys and statuses, spoken as raw HTTP/2 gRPC frames so each grpc-status can be read.</summary>
public sealed class OtlpGrpcAuthTests
{
    [Theory]
    [InlineData(null, 16)]
    [InlineData("x-otlp-api-key:not-a-real-key-0123456789", 16)]
    [InlineData("x-otlp-api-key:" + SecuredDashboard.ViewerKey, 7)]
    [InlineData("x-otlp-api-key:" + SecuredDashboard.IngestKey, 0)]
    [InlineData("authorization:Bearer " + SecuredDashboard.IngestKey, 0)]
    public async Task ExportMetricsGrpc_Secured_NeedsIngestKey(string? header, int grpcStatus)
    {
        await using var factory = SecuredDashboard.Create(new Dictionary<string, string?> { ["Otlp:GrpcEnabled"] = "true", ["Otlp:GrpcPort"] = "0" });
        _ = factory.BaseAddress;

        var (status, _) = await CallAsync(factory, "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", Request("grpc-run"), header);

        status.Should().Be(grpcStatus);
        StoredPoints.Read(factory.DatabasePath, "grpc-run").Should().HaveCount(grpcStatus == 0 ? 1 : 0);
    }

    [Fact]
    public async Task ExportMetricsGrpc_IllegalRunMetadata_InvalidArgument()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Otlp:GrpcEnabled"] = "true", ["Otlp:GrpcPort"] = "0" });
        _ = factory.BaseAddress;

        var (status, message) = await CallAsync(factory, "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", Request("grpc-run"), "x-dashboard-run:bad run");

        status.Should().Be(3);
        message.Should().Contain("run");
    }

    [Fact]
    public async Task ExportMetricsGrpc_MessageOverMaxBodyBytes_ResourceExhaustedAndNothingStored()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>
        {
            ["Otlp:GrpcEnabled"] = "true",
            ["Otlp:GrpcPort"] = "0",
            ["Ingest:MaxBodyBytes"] = "1024",
        });
        _ = factory.BaseAddress;
        var request = Request("big-run");
        request.ResourceMetrics[0].Resource.Attributes.Add(new KeyValue { Key = "padding", Value = new AnyValue { StringValue = new string('x', 2000) } });

        var (status, _) = await CallAsync(factory, "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", request, null);

        status.Should().Be(8);
        StoredPoints.Read(factory.DatabasePath, "big-run").Should().BeEmpty();
    }

    [Fact]
    public async Task ExportMetricsGrpc_GzipMessage_Stored()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Otlp:GrpcEnabled"] = "true", ["Otlp:GrpcPort"] = "0" });
        _ = factory.BaseAddress;

        var (status, _) = await CallAsync(factory, "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", Request("gzip-grpc"), null, gzip: true);

        status.Should().Be(0);
        StoredPoints.Read(factory.DatabasePath, "gzip-grpc").Should().ContainSingle();
    }

    [Fact]
    public async Task ExportLogsGrpc_Record_StoredAsLogLine()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Otlp:GrpcEnabled"] = "true", ["Otlp:GrpcPort"] = "0" });
        using var http = factory.CreateHttpClient();
        var resource = new ResourceLogs { Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "grpc-logs" } } } } };
        resource.ScopeLogs.Add(new ScopeLogs { LogRecords = { new Dashboard.Otlp.Proto.LogRecord { TimeUnixNano = 1_700_000_000_000_000_000, SeverityNumber = SeverityNumber.Warn, Body = new AnyValue { StringValue = "over gRPC" } } } });

        var (status, _) = await CallAsync(factory, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", new ExportLogsServiceRequest { ResourceLogs = { resource } }, null);

        status.Should().Be(0);
        var logs = await Json.GetAsync(http, "/api/v1/runs/grpc-logs/logs");
        logs.GetRawText().Should().Contain("over gRPC").And.Contain("warning");
    }

    private static ExportMetricsServiceRequest Request(string run)
    {
        var resource = new ResourceMetrics { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = run } });
        var gauge = new Gauge();
        gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = 1_700_000_000_000_000_000, AsDouble = 1 });
        resource.ScopeMetrics.Add(new ScopeMetrics { Metrics = { new Metric { Name = "g", Gauge = gauge } } });
        return new ExportMetricsServiceRequest { ResourceMetrics = { resource } };
    }

    private static async Task<(int Status, string Message)> CallAsync(DashboardFactory factory, string path, IMessage message, string? header, bool gzip = false)
    {
        var port = factory.Services.GetRequiredService<OtlpGrpcServer>().Port;
        using var http = new HttpClient();
        var payload = message.ToByteArray();
        if (gzip)
        {
            using var output = new MemoryStream();
            using (var z = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
            {
                z.Write(payload);
            }
            payload = output.ToArray();
        }
        var frame = new byte[5 + payload.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }
        if (header is not null)
        {
            var colon = header.IndexOf(':');
            request.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 1)..]);
        }
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        // A failed call may answer trailers-only: grpc-status then sits in the headers.
        var headers = response.TrailingHeaders.Concat(response.Headers).ToList();
        var status = headers.First(h => h.Key == "grpc-status").Value.First();
        var text = headers.FirstOrDefault(h => h.Key == "grpc-message").Value?.FirstOrDefault() ?? "";
        return (int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(text));
    }
}
