using Dashboard.Otlp.Proto;
using Dashboard.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Status = Grpc.Core.Status;
using Microsoft.Extensions.Options;

namespace Dashboard.Otlp;

/// <summary>OTLP/gRPC MetricsService.Export: the same mapping and write path as POST /v1/metrics.</summary>
internal sealed class OtlpMetricsGrpcService(OtlpReceiver receiver) : MetricsService.MetricsServiceBase
{
    public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        var outcome = await OtlpGrpc.StoreAsync(receiver, context, a => receiver.Metrics(a).Map(request));
        return new ExportMetricsServiceResponse { PartialSuccess = OtlpGrpc.HasPartial(outcome)
            ? new ExportMetricsPartialSuccess { RejectedDataPoints = outcome.Rejected, ErrorMessage = outcome.ErrorMessage ?? "" } : null };
    }
}

/// <summary>OTLP/gRPC TraceService.Export.</summary>
internal sealed class OtlpTraceGrpcService(OtlpReceiver receiver) : TraceService.TraceServiceBase
{
    public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        var outcome = await OtlpGrpc.StoreAsync(receiver, context, a => receiver.Traces(a).Map(request));
        return new ExportTraceServiceResponse { PartialSuccess = OtlpGrpc.HasPartial(outcome)
            ? new ExportTracePartialSuccess { RejectedSpans = outcome.Rejected, ErrorMessage = outcome.ErrorMessage ?? "" } : null };
    }
}

/// <summary>OTLP/gRPC LogsService.Export.</summary>
internal sealed class OtlpLogsGrpcService(OtlpReceiver receiver) : LogsService.LogsServiceBase
{
    public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        var outcome = await OtlpGrpc.StoreAsync(receiver, context, a => receiver.Logs(a).Map(request));
        return new ExportLogsServiceResponse { PartialSuccess = OtlpGrpc.HasPartial(outcome)
            ? new ExportLogsPartialSuccess { RejectedLogRecords = outcome.Rejected, ErrorMessage = outcome.ErrorMessage ?? "" } : null };
    }
}

internal static class OtlpGrpc
{
    public static bool HasPartial(OtlpOutcome o) => o.Rejected > 0 || o.ErrorMessage is not null;

    /// <summary>Run attribution from metadata, the write, and the OTLP status codes a full queue or failing store asks for (UNAVAILABLE is retried by exporters).</summary>
    public static async Task<OtlpOutcome> StoreAsync(OtlpReceiver receiver, ServerCallContext context, Func<RunAttribution, OtlpBatch> map)
    {
        var (attribution, badField) = RunAttribution.From(receiver.Options, name => context.RequestHeaders.GetValue(name));
        if (attribution is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                RunNameRule.Message(badField!)));
        }
        var outcome = await receiver.StoreAsync(map(attribution));
        return outcome.Status switch
        {
            OtlpStatus.QueueFull => throw new RpcException(new Status(StatusCode.Unavailable, "The write queue is full; retry later. Nothing of this request was stored.")),
            OtlpStatus.StorageUnavailable => throw new RpcException(new Status(StatusCode.Unavailable, "The database is unavailable; nothing of this request was stored. Retry later.")),
            _ => outcome,
        };
    }
}

/// <summary>The ingest key check of the HTTP API for gRPC calls: x-otlp-api-key, x-api-key or Bearer in the metadata.</summary>
internal sealed class OtlpGrpcAuthInterceptor(ApiKeyStore keys, IOptions<AuthOptions> auth) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!auth.Value.IsNone)
        {
            var h = context.RequestHeaders;
            var bearer = h.GetValue("authorization") is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a[7..].Trim() : null;
            var presented = h.GetValue(ApiKeyAuthenticationHandler.OtlpHeaderName) ?? h.GetValue("x-api-key") ?? bearer;
            if (presented is null)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "Send an ingest key as x-otlp-api-key, x-api-key or 'authorization: Bearer <key>' metadata."));
            }
            var entry = keys.Find(presented);
            if (entry is null || entry.Kind != ApiKeyStore.KindKey)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "The key is unknown or revoked."));
            }
            if (!AccessPolicy.Allows(entry.Role, Access.Ingest))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"OTLP export needs ingest access; the key has '{entry.Role}'."));
            }
        }
        return continuation(request, context);
    }
}
