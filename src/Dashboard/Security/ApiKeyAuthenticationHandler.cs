using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>Reads a key from <c>Authorization: Bearer</c>, <c>X-Api-Key</c> or <c>x-otlp-api-key</c> and turns it into a principal with one role.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    FailedAuthLimiter failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    /// <summary>The header OTLP exporters are configured with (as the Aspire dashboard reads it).</summary>
    public const string OtlpHeaderName = "x-otlp-api-key";
    public const string KeyIdClaim = "key_id";

    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1)
        {
            return header[0];
        }
        if (request.Headers.TryGetValue(OtlpHeaderName, out var otlp) && otlp.Count == 1)
        {
            return otlp[0];
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        // A browser token only opens a session at /login; it is not an API key.
        var entry = keys.Find(presented);
        if (entry is null || entry.Kind != ApiKeyStore.KindKey)
        {
            failures.RecordFailure(Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("Unknown or revoked key."));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principal(entry, SchemeName), SchemeName)));
    }

    public static ClaimsPrincipal Principal(ApiKeyEntry entry, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, entry.Name),
        new Claim(ClaimTypes.Role, entry.Role),
        new Claim(KeyIdClaim, entry.Id),
    ], scheme));
}
