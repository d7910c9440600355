using Dashboard.Export.Parquet;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Dashboard.Export;

/// <summary>
/// Streams an export to the response body as it is read: headers first, then the exporter writes through a
/// 64 KiB buffer. The exporters and ZipArchive/OpenXmlWriter are synchronous, so the work runs off the request
/// thread with synchronous writes allowed for this response only. A cancelled download stops the reading.
/// </summary>
internal sealed class ExportResult(ExportSource source, long runId, ExportPlan plan) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        using var owned = source;
        var ct = http.RequestAborted;
        var request = plan.Request;
        var response = http.Response;
        response.ContentType = request.Format.ContentType();
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(request.FileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Export-Points"] = plan.TotalPoints.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Features.Get<IHttpBodyControlFeature>()?.AllowSynchronousIO = true;
        await response.StartAsync(ct);
        var exporter = Create(request);
        var logger = http.RequestServices.GetRequiredService<ILogger<ExportResult>>();
        try
        {
            await Task.Run(() =>
            {
                using var reader = new ExportStreamReader(source, runId, plan, ct);
                using var buffered = new BufferedStream(response.Body, 64 * 1024);
                exporter.Write(plan, reader, buffered, ct);
                buffered.Flush();
            }, ct);
        }
        // A write to a dropped connection can fail (IOException) before Kestrel has signalled RequestAborted.
        catch (Exception ex) when (ex is IOException || (ct.IsCancellationRequested && ex is OperationCanceledException))
        {
            logger.LogInformation("Export of run {Run} as {Format} cancelled by the client.", request.Run, request.Format);
        }
        catch (Exception ex)
        {
            // Headers are gone already: abort so the client sees a broken download, never a valid-looking partial file.
            logger.LogError(ex, "Export of run {Run} as {Format} failed.", request.Run, request.Format);
            http.Abort();
        }
    }

    internal static IExporter Create(ExportRequest request) => request.Format switch
    {
        ExportFormat.Json => new JsonExporter(),
        ExportFormat.Csv => new CsvExporter(@long: false),
        ExportFormat.CsvLong => new CsvExporter(@long: true),
        ExportFormat.Xlsx => new XlsxExporter(),
        _ => new ParquetExporter(request.Codec),
    };
}
