namespace Dashboard.Components;

/// <summary>Server-rendered Razor pages (static SSR: blazor.web.js is not served here, see shared/DEPENDENCIES.md).</summary>
public static class PagesSetup
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery();
        return builder;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        app.MapRazorComponents<App>();
        return app;
    }
}
