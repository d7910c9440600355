using System.Text;
using Dashboard.Alerts;
using Dashboard.Persistence;
using Dashboard.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Metrics;

/// <summary>GET /metrics: the Prometheus text format, built from in-memory series and the active alerts.</summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    // The last body's size: the next one is about as long, so the builder is sized once instead of doubling up to megabytes.
    private static int _lastLength = 16 * 1024;

    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
        {
            app.MapGet(Path, GetMetricsAsync)
                .Produces<string>(StatusCodes.Status200OK, "text/plain")
                .WithTags("Metrics")
                .WithName("PrometheusMetrics");
        }
        return app;
    }

    internal static async Task<IResult> GetMetricsAsync(RunMetricsFolder runs, WriterMetrics writer, WriteQueue queue,
        StorageHealth health, ActiveAlerts active, IOptions<MetricsOptions> options, ILogger<RunMetricsFolder> logger, CancellationToken ct)
    {
        var text = new StringBuilder(Volatile.Read(ref _lastLength) + 4096);
        var w = new PrometheusTextWriter(text);
        runs.WriteTo(w);
        writer.WriteTo(w, queue.Count, health.Failing);
        try
        {
            var (alerts, total) = await active.GetAsync(options.Value.MaxAlerts, ct);
            AlertSeries.Write(w, alerts, total);
        }
        catch (SqliteException ex)
        {
            // A locked or missing file must not hide the health series that say so; ALERTS is left out of this scrape.
            logger.LogWarning(ex, "Active alerts could not be read for /metrics");
        }
        Volatile.Write(ref _lastLength, text.Length);
        return TypedResults.Text(text.ToString(), PrometheusTextWriter.ContentType);
    }
}
