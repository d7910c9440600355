using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Alert rules, evaluation, history and notifications.</summary>
public static class AlertsSetup
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>();
        services.AddSingleton<AlertSettingsStore>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<WebhookStatus>();
        services.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddHostedService<AlertEvaluationService>();
        services.AddHostedService<WebhookSender>();
        services.TryAddSingleton<ActiveAlerts>();
        services.AddSingleton<AlertmanagerClient>();
        services.AddHostedService<AlertmanagerResender>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app) => app.MapAlertsApi();
}
