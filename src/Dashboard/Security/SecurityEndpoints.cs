using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Security;

/// <summary>Keys (admin) and sign-out (run deletion lives with the runs, in Runs/RunDeletionEndpoints.cs). Access is decided by <see cref="AccessPolicy"/> from the path.</summary>
public static class SecurityEndpoints
{
    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/settings/keys").WithTags("Settings");
        keys.MapGet("", GetKeys);
        keys.MapPost("", PostKey).ProducesProblem(StatusCodes.Status400BadRequest);
        keys.MapDelete("/{id}", DeleteKey).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/logout", LogoutAsync).ExcludeFromDescription();
        return app;
    }

    internal static IResult GetKeys(ApiKeyStore store) => TypedResults.Ok(store.Entries.Select(KeyInfo.From));

    internal static IResult PostKey(CreateKeyRequest request, ApiKeyStore store)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(char.IsControl))
        {
            return ApiProblems.BadParameter("name", "'name' must be 1-100 characters without control characters.");
        }
        if (request.Role is not (AccessPolicy.RoleIngest or AccessPolicy.RoleViewer or AccessPolicy.RoleAdmin or AccessPolicy.RoleScrape))
        {
            return ApiProblems.BadParameter("role", "'role' must be ingest, viewer, admin or scrape.");
        }
        var (entry, key) = store.Create(request.Name.Trim(), request.Role);
        return TypedResults.Created($"/api/v1/settings/keys/{entry.Id}", new CreatedKeyResponse(KeyInfo.From(entry), key));
    }

    internal static IResult DeleteKey(string id, ApiKeyStore store) => store.Revoke(id)
        ? TypedResults.NoContent()
        : TypedResults.Problem(title: "No such revocable key.", detail: $"No active stored key has id '{id}' (configured keys are removed from configuration).",
            statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["field"] = "id" });

    internal static async Task<IResult> LogoutAsync(HttpContext context, [FromForm] string? returnUrl)
    {
        await context.SignOutAsync(SecuritySetup.CookieScheme);
        return TypedResults.Redirect("/login");
    }
}

public sealed record CreateKeyRequest(string? Name, string? Role);

public sealed record KeyInfo(string Id, string Name, string Role, string Kind, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Configured)
{
    public static KeyInfo From(ApiKeyEntry e) => new(e.Id, e.Name, e.Role, e.Kind, e.Prefix, e.CreatedAt, e.RevokedAt, e.Configured);
}

/// <summary>The plain key appears in this answer and nowhere else, ever.</summary>
public sealed record CreatedKeyResponse(KeyInfo Info, string Key);
