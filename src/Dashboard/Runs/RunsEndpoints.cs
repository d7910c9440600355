using Dashboard.Hosting;
using Dashboard.Ingest;
using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>JSON queries over runs: the list, metric names, windowed stats, bucketed series, token usage, logs.</summary>
public static class RunsEndpoints
{
    public static IEndpointRouteBuilder MapRunsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Runs");
        api.MapGet("/runs", GetRunsAsync);
        api.MapGet("/runs/{run}/metrics", GetMetrics);
        api.MapGet("/runs/{run}/stats", GetStats);
        api.MapGet("/runs/{run}/series", GetSeries);
        api.MapGet("/runs/{run}/tokens", GetTokens);
        api.MapGet("/runs/{run}/logs", GetLogsAsync);
        return app;
    }

    internal static async Task<IResult> GetRunsAsync(RunQueries runs, HttpResponse response, CancellationToken ct,
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

    internal static IResult GetMetrics(string run, PointQueries points) =>
        points.GetRunId(run) is { } id
            ? TypedResults.Ok(points.GetMetrics(id).Select(m => new MetricInfo(m.Name, m.Count, m.LastValue, m.LastTimestamp)))
            : ApiProblems.RunNotFound(run);

    internal static IResult GetStats(string run, PointQueries points, TimeProvider time, string? name = null, string? window = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadParameter("name", "Give the metric's name, e.g. ?name=generation_time.");
        }
        if (!TimeWindow.TryParse(window, "5m", out var w))
        {
            return ApiProblems.BadParameter("window", "window must be 30s, 5m, 1h, 24h, all, or a number followed by s, m, h or d.");
        }
        if (points.GetRunId(run) is not { } id)
        {
            return ApiProblems.RunNotFound(run);
        }
        var from = w.StartMicros(time.GetUtcNow());
        var nonFinite = points.GetNonFinite(id, name, from, long.MaxValue);
        var s = points.GetFiniteStats(id, name, from, long.MaxValue).With(nonFinite);
        return TypedResults.Ok(new StatsResponse(name, w.Text, s.Count, s.Mean, s.Min, s.Max, s.P50, s.P90, s.P95, s.P99,
            nonFinite.Total, nonFinite.NaN, nonFinite.PositiveInfinity, nonFinite.NegativeInfinity));
    }

    internal static IResult GetSeries(string run, PointQueries points, string? name = null, string? from = null, string? to = null, string? step = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadParameter("name", "Give the metric's name, e.g. ?name=generation_time.");
        }
        long? fromMicros = null, toMicros = null, stepMicros = null;
        if (from is not null && !TryParseTime(from, out fromMicros))
        {
            return ApiProblems.BadParameter("from", "from must be an ISO-8601 time or Unix seconds.");
        }
        if (to is not null && !TryParseTime(to, out toMicros))
        {
            return ApiProblems.BadParameter("to", "to must be an ISO-8601 time or Unix seconds.");
        }
        if (fromMicros > toMicros)
        {
            return ApiProblems.BadParameter("from", "from must not be after to.");
        }
        if (step is not null)
        {
            if (!TimeWindow.TryParse(step, "", out var s) || s.Span is null)
            {
                return ApiProblems.BadParameter("step", "step must be a number followed by s, m, h or d, e.g. 10s.");
            }
            stepMicros = (long)s.Span.Value.TotalMicroseconds;
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
        var lo = fromMicros ?? extent.Value.First;
        var hi = toMicros ?? extent.Value.Last;
        var bucket = SeriesStep.Choose(lo, hi, stepMicros);
        var buckets = points.GetSeries(id, name, lo, hi, bucket);
        return TypedResults.Ok(new SeriesResponse(name, Timestamps.FromMicros(lo), Timestamps.FromMicros(hi), bucket / 1e6, buckets));
    }

    internal static IResult GetTokens(string run, PointQueries points, TimeProvider time, string? window = null)
    {
        if (!TimeWindow.TryParse(window, "all", out var w))
        {
            return ApiProblems.BadParameter("window", "window must be 30s, 5m, 1h, 24h, all, or a number followed by s, m, h or d.");
        }
        return points.GetRunId(run) is { } id
            ? TypedResults.Ok(points.GetTokenUsage(id, w.StartMicros(time.GetUtcNow())))
            : ApiProblems.RunNotFound(run);
    }

    internal static async Task<IResult> GetLogsAsync(string run, PointQueries points, RunQueries runs, CancellationToken ct,
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

    private static bool TryParseTime(string text, out long? micros)
    {
        micros = null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds >= 0)
        {
            micros = (long)(seconds * 1e6);
            return true;
        }
        if (Timestamps.TryParseIso(text, out var m))
        {
            micros = m;
            return true;
        }
        return false;
    }
}

public sealed record MetricInfo(string Name, long Count, double LastValue, DateTimeOffset LastTimestamp);

/// <summary>count is every point; nonFiniteCount of them are NaN or infinite (README: non-finite values).</summary>
public sealed record StatsResponse(string Name, string Window, long Count, double? Mean, double? Min, double? Max,
    double? P50, double? P90, double? P95, double? P99, long NonFiniteCount = 0, long NanCount = 0, long PositiveInfinityCount = 0,
    long NegativeInfinityCount = 0);

public sealed record SeriesResponse(string Name, DateTimeOffset? From, DateTimeOffset? To, double StepSeconds, IReadOnlyList<SeriesBucket> Buckets);
