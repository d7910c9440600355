using Dashboard.Hosting;
using Dashboard.Storage;

namespace Dashboard.Pipelines;

/// <summary>GET /api/v1/pipelines/health?window=&amp;run=&amp;project=.</summary>
public static class PipelinesEndpoints
{
    public const string DefaultWindow = "all";

    public static IEndpointRouteBuilder MapPipelinesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Pipelines").MapGet("/pipelines/health", GetHealth);
        return app;
    }

    internal static IResult GetHealth(SqliteConnectionFactory connections, TimeProvider time,
        string? window = null, string? run = null, string? project = null)
    {
        if (!TimeWindow.TryParse(window, DefaultWindow, out var w))
        {
            return ApiProblems.BadParameter("window", "window must be 5m, 1h, 24h, all, or a number followed by s, m, h or d.");
        }
        var health = Report(connections, time, w, run, project);
        return health is null ? ApiProblems.RunNotFound(run!) : TypedResults.Ok(health);
    }

    /// <summary>The health report, or null when <paramref name="run"/> names no stored run.</summary>
    public static PipelinesHealth? Report(SqliteConnectionFactory connections, TimeProvider time, TimeWindow window, string? run, string? project)
    {
        long? runId = null;
        if (!string.IsNullOrEmpty(run))
        {
            runId = new PointQueries(connections).GetRunId(run);
            if (runId is null)
            {
                return null;
            }
        }
        var aggregates = new PipelineQueries(connections)
            .GetAggregates(window.StartMicros(time.GetUtcNow()), runId, string.IsNullOrEmpty(project) ? null : project);
        return PipelineHealthCalculator.Compute(aggregates);
    }
}
