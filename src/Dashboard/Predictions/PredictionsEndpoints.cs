using Dashboard.Storage;

namespace Dashboard.Predictions;

/// <summary>GET /api/v1/runs/{run}/predictions/summary and GET /api/v1/predictions/runs.</summary>
public static class PredictionsEndpoints
{
    public const string DefaultWindow = "all";

    public static IEndpointRouteBuilder MapPredictionsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Predictions");
        api.MapGet("/runs/{run}/predictions/summary", GetSummary);
        api.MapGet("/predictions/runs", GetRuns);
        return app;
    }

    internal static IResult GetSummary(string run, IMetricReader metrics, IPredictionReader predictions, TimeProvider time, string? window = null)
    {
        if (!TimeWindow.TryParse(window, DefaultWindow, out var w))
        {
            return ApiProblems.BadParameter("window", TimeRangeParser.WindowMessage);
        }
        var summary = Summarize(metrics, predictions, time, run, w);
        return summary is null ? ApiProblems.RunNotFound(run) : TypedResults.Ok(summary);
    }

    internal static IResult GetRuns(IPredictionReader predictions) =>
        TypedResults.Ok(predictions.GetRuns());

    /// <summary>The summary of the run in the window, or null when no such run exists.</summary>
    public static PredictionSummary? Summarize(IMetricReader metrics, IPredictionReader predictions, TimeProvider time, string run, TimeWindow window)
    {
        if (metrics.GetRunId(run) is not { } runId)
        {
            return null;
        }
        var totals = predictions.GetTotals(runId, window.StartMicros(time.GetUtcNow()));
        return PredictionSummaryCalculator.Compute(run, window, totals);
    }
}
