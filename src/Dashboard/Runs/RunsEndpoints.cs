using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>JSON queries over runs: the list, metric names, windowed stats, bucketed series, token usage, logs.</summary>
public static class RunsEndpoints
{
    public static IEndpointRouteBuilder MapRunsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapRunDeletionEndpoints();
        var api = app.MapGroup("/api/v1").WithTags("Runs");
        api.MapGet("/runs", GetRunsAsync);
        api.MapGet("/runs/{run}/metrics", GetMetrics);
        api.MapGet("/runs/{run}/stats", GetStats);
        api.MapGet("/runs/{run}/series", GetSeries);
        api.MapGet("/runs/{run}/tokens", GetTokens);
        api.MapGet("/runs/{run}/logs", GetLogsAsync);
        return app;
    }

    internal static async Task<IResult> GetRunsAsync(IRunStore runs, HttpResponse response, CancellationToken ct,
        string? project = null, string? q = null, int? limit = null, int? offset = null)
    {
        if (RunsPaging.Problem(limit, offset) is { } problem)
        {
            return problem;
        }
        var page = await runs.GetRunsPageAsync(project, q, offset ?? 0, limit ?? RunsPaging.DefaultLimit, ct);
        RunsPaging.SetTotal(response, page.Total);
        return TypedResults.Ok(page.Runs);
    }

    internal static IResult GetMetrics(string run, IMetricReader points) =>
        points.GetRunId(run) is { } id
            ? TypedResults.Ok(points.GetMetrics(id).Select(m => new MetricInfo(m.Name, m.Count, m.LastValue, m.LastTimestamp)))
            : ApiProblems.RunNotFound(run);

    internal static IResult GetStats(string run, IMetricReader points, TimeProvider time, string? name = null, string? window = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadParameter("name", "Give the metric's name, e.g. ?name=generation_time.");
        }
        if (TimeRangeParser.TryParseWindow(window, "5m", time.GetUtcNow(), out var range) is { } bad)
        {
            return ApiProblems.BadParameter(bad.Field, bad.Message);
        }
        if (points.GetRunId(run) is not { } id)
        {
            return ApiProblems.RunNotFound(run);
        }
        var nonFinite = points.GetNonFinite(id, name, range.FromMicros, range.ToMicros);
        var s = points.GetFiniteStats(id, name, range.FromMicros, range.ToMicros).With(nonFinite);
        return TypedResults.Ok(new StatsResponse(name, range.Label, s.Count, s.Mean, s.Min, s.Max, s.P50, s.P90, s.P95, s.P99,
            nonFinite.Total, nonFinite.NaN, nonFinite.PositiveInfinity, nonFinite.NegativeInfinity));
    }

    internal static IResult GetSeries(string run, IMetricReader points, string? name = null, string? from = null, string? to = null, string? step = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadParameter("name", "Give the metric's name, e.g. ?name=generation_time.");
        }
        if (TimeRangeParser.TryParseBounds(from, to, out var range) is { } badRange)
        {
            return ApiProblems.BadParameter(badRange.Field, badRange.Message);
        }
        if (TimeRangeParser.TryParseStep(step, out var stepMicros) is { } badStep)
        {
            return ApiProblems.BadParameter(badStep.Field, badStep.Message);
        }
        if (points.GetRunId(run) is not { } id)
        {
            return ApiProblems.RunNotFound(run);
        }
        var extent = points.GetExtent(id, name);
        if (extent is null)
        {
            return TypedResults.Ok(new SeriesResponse(name, null, null, 0, []));
        }
        // An open end of the range is the metric's own first or last point, so the buckets span only real data; an open
        // start puts the buckets on multiples of the step (rollup-aligned, see SeriesStep.ChooseAligned).
        var hi = range.HasTo ? range.ToMicros : extent.Value.Last;
        var (lo, bucket) = range.HasFrom
            ? (range.FromMicros, SeriesStep.Choose(range.FromMicros, hi, stepMicros))
            : SeriesStep.ChooseAligned(extent.Value.First, hi, stepMicros);
        var buckets = points.GetSeries(id, name, lo, hi, bucket);
        return TypedResults.Ok(new SeriesResponse(name, Timestamps.FromMicros(lo), Timestamps.FromMicros(hi), bucket / 1e6, buckets));
    }

    internal static IResult GetTokens(string run, IMetricReader points, TimeProvider time, string? window = null)
    {
        if (TimeRangeParser.TryParseWindow(window, "all", time.GetUtcNow(), out var range) is { } bad)
        {
            return ApiProblems.BadParameter(bad.Field, bad.Message);
        }
        return points.GetRunId(run) is { } id
            ? TypedResults.Ok(points.GetTokenUsage(id, range.FromMicros))
            : ApiProblems.RunNotFound(run);
    }

    internal static async Task<IResult> GetLogsAsync(string run, IMetricReader points, IRunStore runs, CancellationToken ct,
        string? level = null, int? limit = null)
    {
        if (level is not (null or "" or "info" or "warning" or "error"))
        {
            return ApiProblems.BadParameter("level", "level must be info, warning or error.");
        }
        if (limit is < 1 or > 1000)
        {
            return ApiProblems.BadParameter("limit", "limit must be between 1 and 1000.");
        }
        return points.GetRunId(run) is { } id
            ? TypedResults.Ok(await runs.GetLogsAsync(id, level, limit ?? 100, ct))
            : ApiProblems.RunNotFound(run);
    }
}

public sealed record MetricInfo(string Name, long Count, double LastValue, DateTimeOffset LastTimestamp);

/// <summary>count is every point; nonFiniteCount of them are NaN or infinite (README: non-finite values).</summary>
public sealed record StatsResponse(string Name, string Window, long Count, double? Mean, double? Min, double? Max,
    double? P50, double? P90, double? P95, double? P99, long NonFiniteCount = 0, long NanCount = 0, long PositiveInfinityCount = 0,
    long NegativeInfinityCount = 0);

public sealed record SeriesResponse(string Name, DateTimeOffset? From, DateTimeOffset? To, double StepSeconds, IReadOnlyList<SeriesBucket> Buckets);
