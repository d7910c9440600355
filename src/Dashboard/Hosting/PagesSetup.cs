using Dashboard.Live;
using Dashboard.Components;
using Dashboard.Components.Layout;
using Dashboard.Runs;
using MudBlazor.Services;

namespace Dashboard.Hosting;

/// <summary>
/// Interactive server-rendered pages (MudBlazor) over one circuit per browser tab; sign-in stays static.
/// Live pages subscribe in-process to committed batches (Components/Live), not to the public hub.
/// </summary>
public static class PagesSetup
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        // Package assets (_framework/blazor.web.js, _content/MudBlazor) are found through the build's static web
        // assets manifest; the framework reads it only in Development unless asked. `dotnet run` here runs as
        // Production, so ask always (a published folder has no manifest: its wwwroot holds the files).
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddMudServices();
        builder.Services.AddAntiforgery();
        builder.Services.AddScoped<ThemeState>();
        builder.Services.AddSingleton<RunPageBuilder>();
        builder.Services.AddSingleton<RunPageLoader>();
        builder.Services.AddSingleton<RunPageHandoff>();
        builder.Services.AddSingleton<RunLiveFolds>();
        builder.Services.AddScoped<CircuitPresence>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitPresence>());
        builder.Services.AddSingleton<RunFeedback>();
        builder.Services.AddSingleton<RunsOverviewBuilder>();
        return builder;
    }

    /// <summary>
    /// Static files (scripts, styles, ApexCharts) with "Cache-Control: no-cache": the browser keeps them but asks each
    /// time (a 304 with no body when unchanged). Their URLs carry no version, so without it a browser's heuristic
    /// freshness (a tenth of the file's age) could run an old apex-interop.js against an upgraded server's pages for hours.
    /// </summary>
    public static WebApplication UseStaticFilesRevalidated(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        app.MapRunPageEndpoints();
        // Our own CSP already says frame-ancestors 'none'; Blazor's default second header would add 'self'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
