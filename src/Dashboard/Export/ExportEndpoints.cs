namespace Dashboard.Export;

/// <summary>GET /api/v1/runs/{run}/export. Filled in by the exports work.</summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app) => app;
}
