using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Dashboard.Demo;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>Authentication, authorization, limits and headers: keys, browser login, rate limits (run deletion and retention: Runs/RunMaintenance).</summary>
public static class SecuritySetup
{
    public const string Scheme = "Dashboard";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AccessRevocations>();
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddDashboardForwardedHeaders(builder.Configuration);
        // Sessions live on the server: the cookie holds only the session's id (see SessionTicketStore).
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<SessionTicketStore>((o, store) => o.SessionStore = store);

        var sessionHours = builder.Configuration.GetValue($"{AuthOptions.Section}:SessionHours", 12);
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or session cookie", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.PresentedKey(context.Request) is null ? CookieScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = ".Dashboard.Session";
                o.Cookie.HttpOnly = true;
                // Strict: no other site can send a request that carries the session, which with the
                // JSON-only API and antiforgery on forms closes cross-site request forgery.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(Math.Clamp(sessionHours, 1, 24 * 90));
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = context =>
                {
                    // Revoking the key a session signed in with ends that session.
                    var keyId = context.Principal?.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim);
                    var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                    if (keyId is null || !keys.IsActive(keyId))
                    {
                        context.RejectPrincipal();
                    }
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    public static WebApplication UseSecurity(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var demo = app.Configuration.GetValue<bool>($"{DemoOptions.Section}:Enabled");
        // Revoking a key ends the sessions signed in with it (the hub listens to the same announcement).
        var sessions = app.Services.GetRequiredService<SessionTicketStore>();
        app.Services.GetRequiredService<AccessRevocations>().KeyRevoked += sessions.RemoveByKey;
        app.Services.GetRequiredService<ApiKeyStore>().Initialize(demo && !auth.IsNone);
        if (ForwardedHeadersSetup.IsEnabled(app.Configuration))
        {
            app.UseForwardedHeaders();
        }
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<NoneModeHostMiddleware>();
        app.UseMiddleware<FailedAuthMiddleware>();
        app.UseMiddleware<CrossSiteRequestMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<AccessMiddleware>();
        app.UseRateLimiter();
        app.MapSecurityEndpoints();
        return app;
    }

    /// <summary>One token bucket per key (or per client address without one); public paths and Auth:Mode=None are not limited.</summary>
    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var o = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (o.IsNone || o.RateLimitPerSecond == 0 || AccessPolicy.Required(context.Request.Method, context.Request.Path.Value) == Access.Public)
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }
        var key = context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)
            ?? "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.RateLimitBurst,
            TokensPerPeriod = o.RateLimitPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            title: "Too many requests.",
            detail: $"This key exceeded Auth:RateLimitPerSecond; nothing of this request was done. Retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["field"] = "Authorization", ["retry_after_seconds"] = seconds })
            .ExecuteAsync(context.HttpContext);
    }
}
