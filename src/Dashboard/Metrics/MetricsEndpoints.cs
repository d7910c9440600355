using System.Text;
using Dashboard.Alerts;
using Dashboard.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Metrics;

/// <summary>GET /metrics: the Prometheus text format, built from in-memory series and the active alerts.</summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

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
        var text = new StringBuilder(16 * 1024);
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
        return TypedResults.Text(text.ToString(), PrometheusTextWriter.ContentType);
    }
}
