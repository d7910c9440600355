using System.Net;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>
/// Auth:Mode=None trusts everyone who can reach the server, which a foreign web page can do through DNS
/// rebinding: its own name, resolved to 127.0.0.1, with a matching Origin. The Host header is the one
/// thing such a page cannot choose, so in None mode only loopback names (localhost, 127.0.0.0/8, [::1])
/// and the names in Auth:AllowedHosts are answered; anything else gets 421 before any endpoint runs.
/// </summary>
public sealed class NoneModeHostMiddleware(RequestDelegate next, IOptions<AuthOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var o = options.Value;
        if (!o.IsNone || IsAllowed(context.Request.Host.Host, o.AllowedHosts))
        {
            return next(context);
        }
        return TypedResults.Problem(
            title: "Host not allowed.",
            detail: $"Auth:Mode=None answers only localhost, 127.0.0.0/8 and [::1] (and the names in Auth:AllowedHosts); this request named '{context.Request.Host.Host}'.",
            statusCode: StatusCodes.Status421MisdirectedRequest,
            extensions: new Dictionary<string, object?> { ["field"] = "Host" }).ExecuteAsync(context);
    }

    /// <summary>Loopback names always; configured names exactly (ignoring case); "*" in the list allows any host.</summary>
    public static bool IsAllowed(string? host, IReadOnlyCollection<string> allowed)
    {
        // No Host at all is HTTP/1.0 from a script; every browser sends one, so rebinding cannot produce this.
        if (string.IsNullOrEmpty(host))
        {
            return true;
        }
        var name = host.TrimEnd('.');
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var bare = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        if (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address))
        {
            return true;
        }
        return allowed.Any(a => a == "*" || string.Equals(a.TrimEnd('.'), name, StringComparison.OrdinalIgnoreCase));
    }
}
