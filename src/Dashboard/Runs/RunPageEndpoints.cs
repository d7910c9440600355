
namespace Dashboard.Runs;

/// <summary>The server-computed data behind the pages, for modules that refetch and for other clients.</summary>
public static class RunPageEndpoints
{
    public const int MaxRolling = 1000;

    public static IEndpointRouteBuilder MapRunPageEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Pages");
        api.MapGet("/overview", GetOverviewAsync);
        api.MapGet("/runs/{run}/page-data", GetPageData);
        api.MapGet("/runs/{run}/rolling", GetRolling);
        return app;
    }

    internal static async Task<IResult> GetOverviewAsync(RunsOverviewBuilder overview, HttpResponse response, CancellationToken ct,
        string? project = null, string? q = null, int? limit = null, int? offset = null)
    {
        if (RunsPaging.Problem(limit, offset) is { } problem)
        {
            return problem;
        }
        var page = await overview.GetPageAsync(project, q, offset ?? 0, limit ?? RunsPaging.DefaultLimit, ct);
        RunsPaging.SetTotal(response, page.Total);
        return TypedResults.Ok(page.Rows);
    }

    internal static IResult GetPageData(string run, RunPageBuilder pages, TimeProvider time,
        string? range = null, string? from = null, string? to = null)
    {
        if (RangeProblem(range, from, to, time, out var r) is { } problem)
        {
            return problem;
        }
        return pages.Build(run, r) is { } data ? TypedResults.Ok(data) : ApiProblems.RunNotFound(run);
    }

    internal static IResult GetRolling(string run, RunPageBuilder pages, TimeProvider time, string? name = null,
        string? range = null, string? from = null, string? to = null, int? rolling = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadParameter("name", "Give the metric's name, e.g. ?name=generation_time.");
        }
        if (rolling is < 1 or > MaxRolling)
        {
            return ApiProblems.BadParameter("rolling", $"rolling must be between 1 and {MaxRolling}.");
        }
        if (RangeProblem(range, from, to, time, out var r) is { } problem)
        {
            return problem;
        }
        return pages.GetRolling(run, name, r, rolling ?? 10) is { } data ? TypedResults.Ok(data) : ApiProblems.RunNotFound(run);
    }

    private static IResult? RangeProblem(string? range, string? from, string? to, TimeProvider time, out RunRange result) =>
        RunRange.TryParse(range, from, to, time.GetUtcNow(), out result) switch
        {
            null => null,
            "range" => ApiProblems.BadParameter("range", "range must be 5m, 1h, 24h or all (or give from and to)."),
            var field => ApiProblems.BadParameter(field, $"{field} must be an ISO-8601 time such as 2026-11-20T09:00:00Z, and from must not be after to."),
        };
}
