namespace Dashboard.Predictions;

/// <summary>GET /api/v1/runs/{run}/predictions/summary. Filled in by the pages work.</summary>
public static class PredictionsEndpoints
{
    public static IEndpointRouteBuilder MapPredictionsEndpoints(this IEndpointRouteBuilder app) => app;
}
