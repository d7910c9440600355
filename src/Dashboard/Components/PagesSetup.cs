namespace Dashboard.Components;

/// <summary>Server-rendered Razor pages (static SSR). Filled in by the pages work.</summary>
public static class PagesSetup
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddAntiforgery();
        return builder;
    }

    public static WebApplication MapPages(this WebApplication app) => app;
}
