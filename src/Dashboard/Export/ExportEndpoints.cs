using System.Globalization;
using Dashboard.Export.Parquet;
using Dashboard.Storage;

namespace Dashboard.Export;

/// <summary>GET /api/v1/runs/{run}/export: the run's points as json, csv (zip), csv-long, xlsx or parquet, streamed.</summary>
public static class ExportEndpoints
{
    private const int MaxNames = 500;
    private const int MaxNameLength = 256;

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Export")
            .MapGet("/runs/{run}/export", GetExport)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ExportRun");
        return app;
    }

    internal static async Task<IResult> GetExport(string run, IExportStore exports, TimeProvider time, IPriceStore prices,
        string? format = null, string? window = null, string? from = null, string? to = null, string? names = null,
        string? compression = null)
    {
        var (request, problem) = ParseRequest(run, time.GetUtcNow(), format, window, from, to, names, compression);
        if (problem is not null)
        {
            return problem;
        }
        // Read before the export's snapshot opens: a price table edited meanwhile re-prices the next export, not this one.
        var table = new Costs.PriceTable(await prices.GetPricesAsync(CancellationToken.None));
        var source = new ExportSource(exports.OpenSnapshot());
        try
        {
            if (source.GetRunId(run) is not { } runId)
            {
                source.Dispose();
                return ApiProblems.RunNotFound(run);
            }
            if (request!.Names is { } wanted && source.GetUnknownNames(runId, wanted) is { Count: > 0 } unknown)
            {
                source.Dispose();
                return ApiProblems.BadParameter("names", $"The run has no metric named {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
            }
            return new ExportResult(source, runId, source.GetPlan(runId, request).WithPrices(table));
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    internal static (ExportRequest? Request, IResult? Problem) ParseRequest(string run, DateTimeOffset now, string? format,
        string? window, string? from, string? to, string? names, string? compression)
    {
        if (string.IsNullOrWhiteSpace(format) || !ExportFormats.TryParse(format, out var f))
        {
            return (null, ApiProblems.BadParameter("format", $"format must be {ExportFormats.Allowed}."));
        }
        var codec = ParquetCodec.Gzip;
        if (compression is not null)
        {
            if (f != ExportFormat.Parquet || compression.Trim().ToLowerInvariant() is not ("gzip" or "none" or "uncompressed"))
            {
                return (null, ApiProblems.BadParameter("compression", "compression applies to format=parquet and must be gzip (the default) or none."));
            }
            codec = compression.Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase) ? ParquetCodec.Gzip : ParquetCodec.Uncompressed;
        }
        if (TimeRangeParser.TryParse(window, from, to, "all", now, out var range) is { } bad)
        {
            return (null, ApiProblems.BadParameter(bad.Field, bad.Message));
        }
        long lo = range.FromMicros, hi = range.ToMicros;
        var label = range.IsCustom ? $"{(range.HasFrom ? Compact(lo) : "start")}-{(range.HasTo ? Compact(hi) : "end")}" : range.Label;
        List<string>? list = null;
        if (names is not null)
        {
            list = names.Split(',').Select(n => n.Trim()).ToList();
            if (list.Count > MaxNames || list.Any(n => n.Length is 0 or > MaxNameLength || n.Any(char.IsControl)))
            {
                return (null, ApiProblems.BadParameter("names",
                    $"names must be up to {MaxNames} comma-separated metric names, each 1-{MaxNameLength} characters without control characters."));
            }
            list = list.Distinct(StringComparer.Ordinal).ToList();
        }
        return (new ExportRequest(run, f, lo, hi, label, list, codec), null);
    }

    private static string Compact(long micros) =>
        Timestamps.FromMicros(micros).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
