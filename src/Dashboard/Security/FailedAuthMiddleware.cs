using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>Refuses credentials from an address that failed too often (see <see cref="FailedAuthLimiter"/>), before any key is checked.</summary>
public sealed class FailedAuthMiddleware(RequestDelegate next, FailedAuthLimiter limiter, IOptions<AuthOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (options.Value.IsNone || !PresentsCredentials(context.Request)
            || limiter.RetryAfterSeconds(context.Connection.RemoteIpAddress) is not { } seconds)
        {
            return next(context);
        }
        return FailedAuthLimiter.RejectAsync(context, seconds);
    }

    /// <summary>A key header, a login link (?t=) or a login form submission.</summary>
    private static bool PresentsCredentials(HttpRequest request) =>
        ApiKeyAuthenticationHandler.PresentedKey(request) is not null
        || (request.Path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase)
            && (HttpMethods.IsPost(request.Method) || request.Query.ContainsKey("t")));
}
