namespace Dashboard.Ingest;

/// <summary>The ingest endpoints' problem+json answers; each names the field or limit at fault.</summary>
internal static class IngestProblems
{
    public static IResult BadRequest(IngestRejection rejection) => TypedResults.Problem(
        title: "The request is invalid.",
        detail: rejection.Message,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: Extensions(("field", rejection.Field), ("errors", rejection.Errors)));

    /// <summary>A count limit (Ingest:MaxRuns, Ingest:MaxMetricNamesPerRun) is reached: the request is fine, the store is full.</summary>
    public static IResult LimitReached(IngestRejection rejection) => TypedResults.Problem(
        title: "A storage limit is reached.",
        detail: rejection.Message,
        statusCode: StatusCodes.Status409Conflict,
        extensions: Extensions(("field", rejection.Field)));

    public static IResult UnsupportedMediaType(string expected) => TypedResults.Problem(
        title: "Unsupported content type.",
        detail: $"Send the body as {expected}.",
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        extensions: Extensions(("field", "Content-Type")));

    public static IResult TooLarge(long maxBytes) => TypedResults.Problem(
        title: "The body is too large.",
        detail: $"The body exceeds Ingest:MaxBodyBytes ({maxBytes} bytes). Send smaller batches.",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        extensions: Extensions(("field", "body"), ("max_body_bytes", maxBytes)));

    public static IResult QueueFull() => new RetryAfterResult(TypedResults.Problem(
        title: "The write queue is full.",
        detail: "The dashboard is writing as fast as it can; retry after the delay in Retry-After. Nothing of this request was stored.",
        statusCode: StatusCodes.Status503ServiceUnavailable), seconds: 1);

    public static IResult StorageUnavailable() => new RetryAfterResult(TypedResults.Problem(
        title: "The database is unavailable.",
        detail: "The write could not be committed (database locked, disk full or read-only); nothing of this request was stored. Retry later.",
        statusCode: StatusCodes.Status503ServiceUnavailable), seconds: 5);

    private static Dictionary<string, object?> Extensions(params (string Key, object? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Adds Retry-After to any result.</summary>
    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
