using Dashboard.Alerts;
using Dashboard.Components;
using Dashboard.Costs;
using Dashboard.Demo;
using Dashboard.Export;
using Dashboard.Hosting;
using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Metrics;
using Dashboard.Otlp;
using Dashboard.Pipelines;
using Dashboard.Predictions;
using Dashboard.Runs;
using Dashboard.Security;

if (args is [MigrateCommand.Name, ..])
{
    return MigrateCommand.Run(args[1..]);
}
if (args is [CheckCommand.Name, ..])
{
    return CheckCommand.Run(args[1..]);
}

var builder = DashboardHost.CreateBuilder(args);
builder.AddStorage();
builder.AddIngest();
builder.AddOtlp();
builder.AddLive();
builder.AddSecurity();
builder.Services.AddRunMaintenance();
builder.AddAlerts();
builder.AddCluster();
builder.AddPages();
builder.AddDemo();
builder.AddMetrics();
builder.AddCosts();
builder.Services.AddOpenApi();

var app = builder.Build();
if (!app.MigrateDatabase())
{
    return 2;
}
app.UseSecurity();
app.UseStaticFilesRevalidated();
app.UseAntiforgery();
app.MapOpenApi();
app.MapHealthEndpoints();
app.MapIngestEndpoints();
app.MapOtlp();
app.MapRunsEndpoints();
app.MapPredictionsEndpoints();
app.MapPipelinesEndpoints();
app.MapExportEndpoints();
app.MapAlertsEndpoints();
app.MapMetricsEndpoints();
app.MapCosts();
app.MapHub<MetricsHub>(MetricsHub.Path);
app.MapPages();
app.PrintBannerOnStart();
app.Run();
return 0;

/// <summary>The entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
