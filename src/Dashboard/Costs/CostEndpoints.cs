using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Costs;

/// <summary>Prices, acceptance thresholds, run and project cost, and run goals over HTTP.</summary>
public static class CostEndpoints
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapCostEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Cost");
        api.MapGet("/settings/prices", GetPricesAsync).WithName("GetPrices");
        api.MapPut("/settings/prices", PutPricesAsync).Accepts<PriceTableResponse>("application/json").WithName("SavePrices");
        api.MapPost("/settings/prices/import", ImportPricesAsync).Accepts<PriceTableResponse>("application/json").WithName("ImportPrices");
        api.MapGet("/settings/acceptance", GetAcceptanceAsync).WithName("GetAcceptance");
        api.MapPut("/settings/acceptance", PutAcceptanceAsync).Accepts<AcceptanceSettings>("application/json").WithName("SaveAcceptance");
        api.MapGet("/runs/{run}/cost", GetRunCostAsync).WithName("GetRunCost");
        api.MapGet("/costs", GetRunCostsAsync).WithName("GetRunCosts");
        api.MapGet("/projects/{project}/cost", GetProjectCostAsync).WithName("GetProjectCost");
        api.MapGet("/runs/{run}/goal", GetGoalAsync).WithName("GetRunGoal");
        api.MapPut("/runs/{run}/goal", PutGoalAsync).Accepts<GoalResponse>("application/json").WithName("SaveRunGoal");
        api.MapDelete("/runs/{run}/goal", DeleteGoalAsync).WithName("DeleteRunGoal");
        return app;
    }

    internal static async Task<IResult> GetPricesAsync(IPriceStore prices, CancellationToken ct) =>
        TypedResults.Ok(Response(await prices.GetPricesAsync(ct)));

    internal static Task<IResult> PutPricesAsync(HttpRequest request, IPriceStore prices, CancellationToken ct) =>
        SavePricesAsync(request, prices, merge: false, ct);

    /// <summary>A price file (same shape as PUT) merged into the table: its rows replace rows of the same model and day.</summary>
    internal static Task<IResult> ImportPricesAsync(HttpRequest request, IPriceStore prices, CancellationToken ct) =>
        SavePricesAsync(request, prices, merge: true, ct);

    private static async Task<IResult> SavePricesAsync(HttpRequest request, IPriceStore prices, bool merge, CancellationToken ct)
    {
        if (await ReadJsonAsync(request, ct) is not { } body)
        {
            return Invalid([new FieldError("body", "The body must be JSON (application/json) of at most 4 MiB.")]);
        }
        using var _ = body;
        var (rows, errors) = PriceTableParser.Parse(body.RootElement);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        if (merge)
        {
            if (await MergePricesAsync(rows, prices, ct) is { } refused)
            {
                return Invalid([refused]);
            }
        }
        else
        {
            await prices.ReplacePricesAsync(rows, ct);
        }
        return TypedResults.Ok(Response(await prices.GetPricesAsync(ct)));
    }

    /// <summary>Merges imported rows into the table (the import endpoint and the settings page's file import); the fault
    /// when they would mix currencies, else null.</summary>
    public static async Task<FieldError?> MergePricesAsync(IReadOnlyList<PriceEntry> rows, IPriceStore prices, CancellationToken ct)
    {
        var stored = await prices.GetPricesAsync(ct);
        var combined = stored.Where(s => !rows.Any(r => Same(r, s))).Concat(rows).ToList();
        var tableErrors = new List<FieldError>();
        PriceTableParser.CheckTable(combined, tableErrors);
        if (tableErrors.Count > 0)
        {
            return new FieldError("prices[0].currency", $"The imported prices must be in the table's currency, {stored[0].Currency}.");
        }
        await prices.MergePricesAsync(rows, ct);
        return null;
    }

    internal static async Task<IResult> GetAcceptanceAsync(IGoalStore goals, CancellationToken ct) =>
        TypedResults.Ok(new AcceptanceSettings(await goals.GetScoreThresholdsAsync(ct)));

    internal static async Task<IResult> PutAcceptanceAsync(HttpRequest request, IGoalStore goals, CancellationToken ct)
    {
        if (await ReadJsonAsync(request, ct) is not { } body)
        {
            return Invalid([new FieldError("body", "The body must be JSON (application/json) of at most 4 MiB.")]);
        }
        using var _ = body;
        var (thresholds, errors) = AcceptanceParser.Parse(body.RootElement);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        await goals.SaveScoreThresholdsAsync(thresholds, ct);
        return TypedResults.Ok(new AcceptanceSettings(await goals.GetScoreThresholdsAsync(ct)));
    }

    internal static async Task<IResult> GetRunCostAsync(string run, CostService costs, CancellationToken ct,
        string? from = null, string? to = null, string? step = null)
    {
        long? fromMicros = null, toMicros = null;
        if (from is not null && (fromMicros = ParseTime(from)) is null)
        {
            return ApiProblems.BadParameter("from", "from must be an ISO-8601 time or Unix seconds.");
        }
        if (to is not null && (toMicros = ParseTime(to)) is null)
        {
            return ApiProblems.BadParameter("to", "to must be an ISO-8601 time or Unix seconds.");
        }
        if (fromMicros > toMicros)
        {
            return ApiProblems.BadParameter("from", "from must not be after to.");
        }
        TimeSpan? stepSpan = null;
        if (step is not null)
        {
            if (!TimeWindow.TryParse(step, "1m", out var w) || w.Span is not { } s || !CostService.Steps.Contains(s))
            {
                return ApiProblems.BadParameter("step", "step must be one of 1m, 5m, 15m, 1h, 6h, 1d (each divides a UTC day, the unit prices change on).");
            }
            stepSpan = s;
        }
        var report = await costs.GetRunCostAsync(run, fromMicros, toMicros, stepSpan, ct);
        return report is null ? ApiProblems.RunNotFound(run) : TypedResults.Ok(report);
    }

    internal static async Task<IResult> GetRunCostsAsync(HttpRequest request, CostService costs, CancellationToken ct)
    {
        var runs = request.Query["run"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).Distinct().ToList();
        if (runs.Count is 0 or > 500)
        {
            return ApiProblems.BadParameter("run", "Name 1 to 500 runs, e.g. ?run=a&run=b.");
        }
        return TypedResults.Ok(await costs.GetRunCostSummariesAsync(runs, ct));
    }

    internal static async Task<IResult> GetProjectCostAsync(string project, CostService costs, TimeProvider time, CancellationToken ct,
        string? window = null)
    {
        if (!TimeWindow.TryParse(window, "24h", out var w))
        {
            return ApiProblems.BadParameter("window", "window must be all, or a number followed by s, m, h or d (e.g. 24h).");
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok(await costs.GetProjectCostAsync(project, Math.Max(0, w.StartMicros(now)), Timestamps.ToMicros(now), ct));
    }

    internal static async Task<IResult> GetGoalAsync(string run, GoalService goals, CancellationToken ct) =>
        await goals.GetProgressAsync(run, ct) is { } progress ? TypedResults.Ok(progress) : ApiProblems.RunNotFound(run);

    internal static async Task<IResult> PutGoalAsync(string run, HttpRequest request, ICostReader reader, IGoalStore store,
        GoalService goals, CancellationToken ct)
    {
        if (await ReadJsonAsync(request, ct) is not { } body)
        {
            return Invalid([new FieldError("body", "The body must be JSON (application/json) of at most 4 MiB.")]);
        }
        var (goal, errors) = RunGoal.Parse(body.RootElement);
        body.Dispose();
        if (goal is null)
        {
            return Invalid(errors);
        }
        if (await reader.GetRunAsync(run, ct) is not { } r)
        {
            return ApiProblems.RunNotFound(run);
        }
        await store.SaveGoalAsync(r.Id, goal, ct);
        return TypedResults.Ok(await goals.GetProgressAsync(run, ct));
    }

    internal static async Task<IResult> DeleteGoalAsync(string run, ICostReader reader, IGoalStore store, CancellationToken ct)
    {
        if (await reader.GetRunAsync(run, ct) is not { } r)
        {
            return ApiProblems.RunNotFound(run);
        }
        await store.DeleteGoalAsync(r.Id, ct);
        return TypedResults.NoContent();
    }

    /// <summary>400 problem+json naming the first field at fault, with every fault in <c>errors</c>.</summary>
    public static IResult Invalid(IReadOnlyList<FieldError> errors) => TypedResults.Problem(
        title: $"The field '{errors[0].Field}' is invalid.",
        detail: errors[0].Message,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?>
        {
            ["field"] = errors[0].Field,
            ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList(),
        });

    public static PriceTableResponse Response(IReadOnlyList<PriceEntry> prices) =>
        new(prices.Count > 0 ? prices[0].Currency : null, prices.Select(PriceRowResponse.From).ToList());

    private static bool Same(PriceEntry a, PriceEntry b) =>
        string.Equals(a.Model, b.Model, StringComparison.OrdinalIgnoreCase) && a.ValidFrom == b.ValidFrom;

    private static long? ParseTime(string text)
    {
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) && seconds >= 0 && seconds < 253_402_300_800 ? (long)Math.Round(seconds * 1_000_000) : null;
        }
        return Timestamps.TryParseIso(text, out var micros) ? micros : null;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes || !(request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return null;
        }
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            return buffer.Length > MaxBodyBytes ? null : JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
