using Dashboard.Storage;

namespace Dashboard.Pipelines;

/// <summary>GET /api/v1/pipelines/health?window=&amp;run=&amp;project=&amp;limit=.</summary>
public static class PipelinesEndpoints
{
    public const string DefaultWindow = "all";

    public static IEndpointRouteBuilder MapPipelinesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Pipelines").MapGet("/pipelines/health", GetHealth);
        return app;
    }

    public const int MaxLimit = 1_000;

    internal static IResult GetHealth(IMetricReader metrics, IPipelineReader pipelines, TimeProvider time,
        string? window = null, string? run = null, string? project = null, string? limit = null)
    {
        if (!TimeWindow.TryParse(window, DefaultWindow, out var w))
        {
            return ApiProblems.BadParameter("window", TimeRangeParser.WindowMessage);
        }
        var top = PipelineHealthCalculator.DefaultTop;
        if (limit is not null && (!int.TryParse(limit, out top) || top < 1 || top > MaxLimit))
        {
            return ApiProblems.BadParameter("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }
        var health = Report(metrics, pipelines, time, w, run, project, top);
        return health is null ? ApiProblems.RunNotFound(run!) : TypedResults.Ok(health);
    }

    /// <summary>The health report, or null when <paramref name="run"/> names no stored run.</summary>
    public static PipelinesHealth? Report(IMetricReader metrics, IPipelineReader pipelines, TimeProvider time, TimeWindow window, string? run, string? project,
        int top = PipelineHealthCalculator.DefaultTop)
    {
        long? runId = null;
        if (!string.IsNullOrEmpty(run))
        {
            runId = metrics.GetRunId(run);
            if (runId is null)
            {
                return null;
            }
        }
        var aggregates = pipelines
            .GetAggregates(window.StartMicros(time.GetUtcNow()), runId, string.IsNullOrEmpty(project) ? null : project);
        return PipelineHealthCalculator.Compute(aggregates, top);
    }
}
