namespace Dashboard.Alerts;

/// <summary>Alert rules, evaluation, history and notifications. Filled in by the alerts work.</summary>
public static class AlertsSetup
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app) => app;
}
