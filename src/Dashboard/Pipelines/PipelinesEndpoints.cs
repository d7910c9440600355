namespace Dashboard.Pipelines;

/// <summary>GET /api/v1/pipelines/health. Filled in by the pages work.</summary>
public static class PipelinesEndpoints
{
    public static IEndpointRouteBuilder MapPipelinesEndpoints(this IEndpointRouteBuilder app) => app;
}
