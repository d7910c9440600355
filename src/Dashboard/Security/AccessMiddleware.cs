using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>
/// Deny by default: every request needs the access <see cref="AccessPolicy"/> derives from its path
/// and method. Pages redirect to /login; the API and the hub answer 401/403 problem+json. The hub
/// also refuses a foreign Origin, so another site cannot ride a viewer's cookie into a WebSocket.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, IOptions<AuthOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (IsHubPath(path) && !IsSameOrigin(context.Request))
        {
            return Problem(context, StatusCodes.Status403Forbidden, "Cross-origin hub connection refused.",
                "The Origin header does not match this dashboard's host.", "Origin");
        }
        if (options.Value.IsNone)
        {
            return next(context);
        }
        var required = AccessPolicy.Required(context.Request.Method, path);
        if (required == Access.Public)
        {
            return next(context);
        }
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            if (IsPage(path) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
            {
                var returnUrl = Uri.EscapeDataString(path + context.Request.QueryString);
                context.Response.Redirect("/login?returnUrl=" + returnUrl);
                return Task.CompletedTask;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var presented = ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null;
            return Problem(context, StatusCodes.Status401Unauthorized, "Authentication required.",
                presented ? "The key is unknown or revoked." : "Send a key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>', or sign in at /login.",
                "Authorization");
        }
        var role = user.FindFirstValue(ClaimTypes.Role);
        if (!AccessPolicy.Allows(role, required))
        {
            return Problem(context, StatusCodes.Status403Forbidden, "Not allowed.",
                $"This request needs {required.ToString().ToLowerInvariant()} access; the key or session has '{role}'.", "Authorization");
        }
        return next(context);
    }

    /// <summary>Browsers always send Origin on WebSocket and fetch; clients without one (scripts, tests) must still hold a key.</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }
        var defaultPort = request.IsHttps ? 443 : 80;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == (request.Host.Port ?? defaultPort);
    }

    /// <summary>The public hub and the interactive pages' circuit (/_blazor): WebSockets that carry the session cookie.</summary>
    private static bool IsHubPath(string path) =>
        path.StartsWith("/hubs/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/_blazor", StringComparison.OrdinalIgnoreCase);

    private static bool IsPage(string path) =>
        !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) && !IsHubPath(path)
        && !string.Equals(path.TrimEnd('/'), "/metrics", StringComparison.OrdinalIgnoreCase);

    private static Task Problem(HttpContext context, int status, string title, string detail, string field) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status,
            extensions: new Dictionary<string, object?> { ["field"] = field }).ExecuteAsync(context);
}
