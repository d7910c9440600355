using Dashboard.Persistence;
using Dashboard.Storage;

namespace Dashboard.Hosting;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (StorageHealth storage, WriteQueue queue) => storage.Failing || storage.FileDamage is not null
            ? Results.Json(new HealthResponse("unhealthy", storage.FileDamage ?? "storage is failing", queue.Count), statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new HealthResponse("healthy", null, queue.Count))).WithTags("Health");
        return app;
    }
}

public sealed record HealthResponse(string Status, string? Reason, int QueuedRequests);
