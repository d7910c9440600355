using Dashboard.Persistence;
using Microsoft.Extensions.Options;

namespace Dashboard.Ingest;

/// <summary>POST /api/v1/ingest and the afterimage metrics.jsonl import.</summary>
public static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Ingest");
        api.MapPost("/ingest", PostIngestAsync)
            .Produces<IngestResponse>(StatusCodes.Status200OK)
            .Produces<IngestResponse>(StatusCodes.Status207MultiStatus)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("Ingest");
        api.MapPost("/runs/{run}/import", PostImportAsync)
            .Produces<IngestResponse>(StatusCodes.Status200OK)
            .Produces<IngestResponse>(StatusCodes.Status207MultiStatus)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithName("ImportAfterimageMetrics");
        return app;
    }

    internal static async Task<IResult> PostIngestAsync(HttpContext context, WriteQueue queue, IngestQuota quota,
        IOptions<IngestOptions> options, TimeProvider time, Metrics.WriterMetrics metrics, IngestEventLimiter limiter,
        Storage.ICostReader costRuns, Storage.IGoalStore goals)
    {
        var limits = options.Value;
        if (!RequestBody.HasMediaType(context.Request, "application/json"))
        {
            return IngestProblems.UnsupportedMediaType("application/json");
        }
        var body = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return IngestProblems.TooLarge(limits.MaxBodyBytes);
        }
        var receivedAt = Timestamps.ToMicros(time.GetUtcNow());
        var (parsed, rejection) = IngestParser.Parse(body.Value, limits, receivedAt);
        if (rejection is not null)
        {
            metrics.Rejected("invalid", InvalidEvents(rejection.Errors));
            return IngestProblems.BadRequest(rejection);
        }
        var source = IngestEventLimiter.SourceOf(context);
        if (limiter.TryAcquire(source, parsed!.Events.Count) is { } tooMany)
        {
            metrics.Rejected("rate_limited", parsed.Events.Count);
            return tooMany;
        }
        // The run exists once its batch is committed, so the goal is saved then (and only if the batch was stored).
        Func<Task>? afterCommit = parsed.RunGoal is { } goal
            ? async () =>
            {
                if (await costRuns.GetRunAsync(parsed.Run, CancellationToken.None) is { } r)
                {
                    await goals.SaveGoalAsync(r.Id, goal, CancellationToken.None);
                }
            }
            : null;
        return await StoreAsync(queue, quota, new PendingWrite(parsed.Run, parsed.Project, parsed.Events, receivedAt) { Source = source }, parsed.Errors, metrics,
            parsed.IgnoredFields, afterCommit);
    }

    internal static async Task<IResult> PostImportAsync(string run, HttpContext context, WriteQueue queue, IngestQuota quota,
        IOptions<IngestOptions> options, TimeProvider time, Metrics.WriterMetrics metrics, IngestEventLimiter limiter, string? project = null,
        string? timezone = null)
    {
        var limits = options.Value;
        if (CheckImportTarget(run, project, timezone) is { } bad)
        {
            return bad;
        }
        if (!RequestBody.HasMediaType(context.Request, "application/x-ndjson") && !RequestBody.HasMediaType(context.Request, "application/jsonl"))
        {
            return IngestProblems.UnsupportedMediaType("application/x-ndjson");
        }
        var body = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return IngestProblems.TooLarge(limits.MaxBodyBytes);
        }
        return await ImportAsync(run, project, timezone, body.Value, IngestEventLimiter.SourceOf(context), queue, quota, limits, time, metrics, limiter);
    }

    /// <summary>
    /// The import after the body is read: what POST /api/v1/runs/{run}/import answers, shared with the runs page's
    /// "Import afterimage file" upload so both store and answer alike.
    /// </summary>
    internal static async Task<IResult> ImportAsync(string run, string? project, string? timezone, ReadOnlyMemory<byte> body, string source,
        WriteQueue queue, IngestQuota quota, IngestOptions limits, TimeProvider time, Metrics.WriterMetrics metrics, IngestEventLimiter limiter)
    {
        if (CheckImportTarget(run, project, timezone) is { } bad)
        {
            return bad;
        }
        ImportTimeZone.TryParse(timezone, out var zone);
        var receivedAt = Timestamps.ToMicros(time.GetUtcNow());
        var (events, errors, lines) = AfterimageImportParser.Parse(body.Span, limits, receivedAt, zone);
        if (events.Count == 0)
        {
            metrics.Rejected("invalid", InvalidEvents(errors));
            return IngestProblems.BadRequest(new IngestRejection("body",
                lines == 0 ? "The body holds no metric lines." : "No line of the body is a valid afterimage metric.", errors));
        }
        if (limiter.TryAcquire(source, events.Count) is { } tooMany)
        {
            metrics.Rejected("rate_limited", events.Count);
            return tooMany;
        }
        return await StoreAsync(queue, quota, new PendingWrite(run, project ?? "default", events, receivedAt) { Source = source }, errors, metrics);
    }

    private static IResult? CheckImportTarget(string run, string? project, string? timezone) =>
        !ImportTimeZone.TryParse(timezone, out _) ? IngestProblems.BadRequest(new IngestRejection("timezone", ImportTimeZone.Help))
        : !RunNameRule.IsValid(run) ? IngestProblems.BadRequest(new IngestRejection("run", RunNameRule.Message("run")))
        : project is not null && !RunNameRule.IsValid(project) ? IngestProblems.BadRequest(new IngestRejection("project", RunNameRule.Message("project")))
        : null;

    private static async Task<IResult> StoreAsync(WriteQueue queue, IngestQuota quota, PendingWrite write, IReadOnlyList<IngestError> errors,
        Metrics.WriterMetrics metrics, IReadOnlyList<string>? ignoredFields = null, Func<Task>? afterCommit = null)
    {
        metrics.Rejected("invalid", InvalidEvents(errors));
        if (quota.TryReserve(write.Run, write.Events) is { } overLimit)
        {
            metrics.Rejected("limit", write.Events.Count);
            return IngestProblems.LimitReached(overLimit);
        }
        if (!queue.TryEnqueue(write))
        {
            metrics.Rejected("queue_full", write.Events.Count);
            return IngestProblems.QueueFull();
        }
        WriteOutcome outcome;
        try
        {
            // Deliberately not cancelled by the client going away: once queued, the write completes.
            outcome = await write.Committed;
        }
        catch (StorageUnavailableException)
        {
            metrics.Rejected("storage", write.Events.Count);
            return IngestProblems.StorageUnavailable();
        }
        if (afterCommit is not null)
        {
            await afterCommit();
        }
        var response = new IngestResponse(outcome.Accepted, outcome.Duplicates, outcome.Points, errors.Count > 0 ? errors : null, ignoredFields);
        return errors.Count > 0
            ? TypedResults.Json(response, statusCode: StatusCodes.Status207MultiStatus)
            : TypedResults.Ok(response);
    }

    private static int InvalidEvents(IReadOnlyList<IngestError>? errors) => errors?.Select(e => e.Index).Distinct().Count() ?? 0;
}
