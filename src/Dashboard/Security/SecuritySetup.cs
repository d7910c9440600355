namespace Dashboard.Security;

/// <summary>Authentication, authorization, limits and headers (issue: keys, login, limits). Filled in by that work.</summary>
public static class SecuritySetup
{
    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseSecurity(this WebApplication app) => app;
}
