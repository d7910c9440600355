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
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<IBudgetSource, CostBudgetSource>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddSingleton<AlertEvaluator>();
        // One instance alone is the leader; Hosting's AddCluster replaces this when instances share PostgreSQL.
        services.TryAddSingleton<Cluster.ILeadership, Cluster.SingleInstanceLeadership>();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddSingleton<WebhookStatus>();
        // Each attempt has its own timeout (Webhooks:TimeoutSeconds); the client's own is only a backstop.
        services.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = TimeSpan.FromMinutes(10));
        services.AddHostedService<AlertEvaluationService>();
        services.AddHostedService<WebhookSender>();
        services.TryAddSingleton<ActiveAlerts>();
        services.AddSingleton<AlertmanagerSender>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertmanagerSender>());
        return builder;
    }

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app) => app.MapAlertsApi();
}
