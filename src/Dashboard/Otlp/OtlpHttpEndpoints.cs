using System.IO.Compression;
using Dashboard.Ingest;
using Dashboard.Otlp.Proto;
using Google.Protobuf;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP/HTTP: POST /v1/metrics, /v1/traces and /v1/logs in application/x-protobuf or application/json,
/// optionally gzip-compressed; success answers in the request's type (with partial_success when items
/// were refused), errors are problem+json naming the field as everywhere in this API.
/// </summary>
public static class OtlpHttpEndpoints
{
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapOtlpHttpEndpoints(this IEndpointRouteBuilder app)
    {
        var otlp = app.MapGroup("/v1").WithTags("OTLP");
        otlp.MapPost("/metrics", (HttpContext c, OtlpReceiver r) => ExportAsync(c, r, ExportMetricsServiceRequest.Parser,
            (req, a) => r.Metrics(a).Map(req),
            o => new ExportMetricsServiceResponse { PartialSuccess = o.Rejected > 0 || o.ErrorMessage is not null
                ? new ExportMetricsPartialSuccess { RejectedDataPoints = o.Rejected, ErrorMessage = o.ErrorMessage ?? "" } : null }))
            .WithName("OtlpExportMetrics");
        otlp.MapPost("/traces", (HttpContext c, OtlpReceiver r) => ExportAsync(c, r, ExportTraceServiceRequest.Parser,
            (req, a) => r.Traces(a).Map(req),
            o => new ExportTraceServiceResponse { PartialSuccess = o.Rejected > 0 || o.ErrorMessage is not null
                ? new ExportTracePartialSuccess { RejectedSpans = o.Rejected, ErrorMessage = o.ErrorMessage ?? "" } : null }))
            .WithName("OtlpExportTraces");
        otlp.MapPost("/logs", (HttpContext c, OtlpReceiver r) => ExportAsync(c, r, ExportLogsServiceRequest.Parser,
            (req, a) => r.Logs(a).Map(req),
            o => new ExportLogsServiceResponse { PartialSuccess = o.Rejected > 0 || o.ErrorMessage is not null
                ? new ExportLogsPartialSuccess { RejectedLogRecords = o.Rejected, ErrorMessage = o.ErrorMessage ?? "" } : null }))
            .WithName("OtlpExportLogs");
        return app;
    }

    private static async Task<IResult> ExportAsync<T>(HttpContext context, OtlpReceiver receiver, MessageParser<T> parser,
        Func<T, RunAttribution, OtlpBatch> map, Func<OtlpOutcome, IMessage> answer) where T : class, IMessage<T>, new()
    {
        var request = context.Request;
        var isProtobuf = RequestBody.HasMediaType(request, Protobuf) || RequestBody.HasMediaType(request, "application/protobuf");
        if (!isProtobuf && !RequestBody.HasMediaType(request, Json))
        {
            return IngestProblems.UnsupportedMediaType($"{Protobuf} or {Json}");
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(title: "Unsupported content encoding.", detail: "Send the body uncompressed or as Content-Encoding: gzip.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, extensions: new Dictionary<string, object?> { ["field"] = "Content-Encoding" });
        }
        var (attribution, badField) = RunAttribution.From(receiver.Options,
            name => request.Headers.TryGetValue(name, out var h) && h.Count > 0 ? h[0] : request.Query.TryGetValue(name, out var q) && q.Count > 0 ? q[0] : null);
        if (attribution is null)
        {
            return IngestProblems.BadRequest(new IngestRejection(badField!, RunNameRule.Message(badField!)));
        }

        var limit = receiver.Limits.MaxBodyBytes;
        var body = await RequestBody.ReadAsync(request, limit, context.RequestAborted);
        if (body is null)
        {
            return IngestProblems.TooLarge(limit);
        }
        if (gzip)
        {
            // The limit applies to the decompressed body too, so a small gzip bomb is refused with 413.
            var (inflated, error) = await GunzipAsync(body.Value, limit, context.RequestAborted);
            if (error is not null)
            {
                return IngestProblems.BadRequest(new IngestRejection("body", error));
            }
            if (inflated is null)
            {
                return IngestProblems.TooLarge(limit);
            }
            body = inflated;
        }

        T? message;
        if (isProtobuf)
        {
            try
            {
                message = parser.ParseFrom(body.Value.Span);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return IngestProblems.BadRequest(new IngestRejection("body", $"The body is not an OTLP protobuf {typeof(T).Name}: {ex.Message}"));
            }
        }
        else
        {
            (message, var error) = OtlpJson.Parse<T>(body.Value);
            if (message is null)
            {
                return IngestProblems.BadRequest(new IngestRejection("body", error!));
            }
        }

        var outcome = await receiver.StoreAsync(map(message, attribution));
        return outcome.Status switch
        {
            OtlpStatus.QueueFull => IngestProblems.QueueFull(),
            OtlpStatus.StorageUnavailable => IngestProblems.StorageUnavailable(),
            _ => isProtobuf
                ? TypedResults.Bytes(answer(outcome).ToByteArray(), Protobuf)
                : TypedResults.Text(OtlpJson.Format(answer(outcome)), Json),
        };
    }

    /// <summary>The inflated body, null when it exceeds <paramref name="limit"/>, or the error when it is not gzip.</summary>
    private static async Task<(ReadOnlyMemory<byte>? Body, string? Error)> GunzipAsync(ReadOnlyMemory<byte> compressed, long limit, CancellationToken ct)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await gzip.ReadAsync(chunk, ct)) > 0)
            {
                if (output.Length + read > limit)
                {
                    return (null, null);
                }
                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            return (null, $"The body is not valid gzip: {ex.Message}");
        }
        return (output.GetBuffer().AsMemory(0, (int)output.Length), null);
    }
}
