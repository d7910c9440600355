using Dashboard.Alerts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Metrics;

/// <summary>The Prometheus exporter: in-memory series folded after each commit, and GET /metrics.</summary>
public static class MetricsSetup
{
    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<RunMetricsFolder>();
        services.AddSingleton<WriterMetrics>();
        services.TryAddSingleton<ActiveAlerts>();
        return builder;
    }
}
