namespace Dashboard.Security;

/// <summary>Headers on every response, and 503 for new work once shutdown began.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    /// <summary>
    /// script-src 'self' with no inline scripts. style-src needs 'unsafe-inline': ApexCharts writes
    /// its own &lt;style&gt; element and style attributes on the SVG it draws, and a nonce cannot reach
    /// those. Styles cannot run code, so the cost is limited to CSS-based tricks on a same-origin page.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // The login URL carries a token; no referrer ever leaves with it.
        headers["Referrer-Policy"] = "no-referrer";
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Draining: requests already queued are committed; new ones are refused rather than half-taken.
            context.Response.Headers.Connection = "close";
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(
                title: "The dashboard is shutting down.",
                detail: "Nothing of this request was stored. Retry after the delay in Retry-After.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
        return next(context);
    }
}
