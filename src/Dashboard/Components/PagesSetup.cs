using Dashboard.Components.Layout;
using Dashboard.Runs;
using MudBlazor.Services;

namespace Dashboard.Components;

/// <summary>
/// Interactive server-rendered pages (MudBlazor) over one circuit per browser tab; sign-in stays static.
/// Live pages subscribe in-process to committed batches (Components/Live), not to the public hub.
/// </summary>
public static class PagesSetup
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddMudServices();
        builder.Services.AddAntiforgery();
        builder.Services.AddScoped<ThemeState>();
        builder.Services.AddSingleton<RunPageBuilder>();
        builder.Services.AddSingleton<RunsOverviewBuilder>();
        return builder;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        app.MapRunPageEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
