using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Microsoft.Extensions.Options;

namespace Dashboard.Runs;

/// <summary>What an import from the runs page came to, in words for the page.</summary>
public sealed record ImportOutcome(bool Ok, int Status, string Message, IReadOnlyList<string> LineErrors);

/// <summary>
/// Runs the page's upload through POST /api/v1/runs/{run}/import's own code (IngestEndpoints.ImportAsync) and reads
/// the answer the endpoint would have sent, so the page and the API store and refuse exactly alike.
/// </summary>
public static class ImportRunner
{
    public static async Task<ImportOutcome> RunAsync(IServiceProvider services, string run, string? project, string? timezone, byte[] body, string source)
    {
        var result = await IngestEndpoints.ImportAsync(run, project, timezone, body, source,
            services.GetRequiredService<WriteQueue>(), services.GetRequiredService<IngestQuota>(),
            services.GetRequiredService<IOptions<IngestOptions>>().Value, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<Metrics.WriterMetrics>(), services.GetRequiredService<IngestEventLimiter>());
        var http = new DefaultHttpContext { RequestServices = services };
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await result.ExecuteAsync(http);
        var status = http.Response.StatusCode;
        using var json = JsonDocument.Parse(buffer.ToArray().Length == 0 ? "{}"u8.ToArray() : buffer.ToArray());
        var root = json.RootElement;
        var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Select(Line).ToList()
            : [];
        if (status is 200 or 207)
        {
            var accepted = root.GetProperty("accepted").GetInt32();
            var duplicates = root.GetProperty("duplicates").GetInt32();
            var message = $"Imported {accepted} {(accepted == 1 ? "event" : "events")} into run '{run}'"
                + (duplicates > 0 ? $" ({duplicates} already stored were skipped)" : "")
                + (errors.Count > 0 ? $"; {errors.Count} lines were refused:" : ".");
            return new ImportOutcome(true, status, message, errors);
        }
        var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return new ImportOutcome(false, status, detail ?? $"The import was refused ({status}).", errors);
    }

    private static string Line(JsonElement error) =>
        error.TryGetProperty("index", out var i) && error.TryGetProperty("message", out var m)
            ? $"line {i.GetInt32() + 1}: {m.GetString()}"
            : error.ToString();
}
