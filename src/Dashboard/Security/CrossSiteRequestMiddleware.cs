using Microsoft.Net.Http.Headers;

namespace Dashboard.Security;

/// <summary>
/// A browser sends a cross-site POST without asking the server first only when it is a "simple" request:
/// no custom header and a body that is absent, a form or text/plain. Such a request carries the session
/// cookie (same-site pages) or needs nothing at all (Auth:Mode=None), so a body-less POST such as resolving an
/// alert could be forged. API POSTs that present no key must therefore carry a non-simple Content-Type
/// (application/json and the like); a key header makes a request non-simple by itself. Browser forms
/// post to page routes instead, where antiforgery tokens apply.
/// </summary>
public sealed class CrossSiteRequestMiddleware(RequestDelegate next)
{
    private static readonly string[] SimpleMediaTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method)
            || !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || ApiKeyAuthenticationHandler.PresentedKey(request) is not null
            || !IsSimpleContentType(request.ContentType))
        {
            return next(context);
        }
        return TypedResults.Problem(
            title: "A POST without a key must not be a simple request.",
            detail: "Send the request with 'Content-Type: application/json' (an empty body is fine where none is needed) or with an API key header; "
                + "forms and text/plain bodies can be sent by any web site and are refused.",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" }).ExecuteAsync(context);
    }

    /// <summary>True for no Content-Type and for the three CORS-safelisted media types.</summary>
    public static bool IsSimpleContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            // Browsers never send an unparsable type on a simple request, but refusing it is the safe answer.
            return true;
        }
        return SimpleMediaTypes.Any(t => string.Equals(parsed.MediaType.Value, t, StringComparison.OrdinalIgnoreCase));
    }
}
