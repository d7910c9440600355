using Dashboard.Runs;

namespace Dashboard.Components;

/// <summary>Server-rendered Razor pages (static SSR: blazor.web.js is not served here, see shared/DEPENDENCIES.md).</summary>
public static class PagesSetup
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery();
        builder.Services.AddSingleton<RunPageBuilder>();
        builder.Services.AddSingleton<RunsOverviewBuilder>();
        return builder;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        app.MapRunPageEndpoints();
        app.MapRazorComponents<App>();
        return app;
    }
}
