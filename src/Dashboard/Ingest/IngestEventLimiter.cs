using System.Security.Claims;
using System.Threading.RateLimiting;
using Dashboard.Security;
using Microsoft.Extensions.Options;

namespace Dashboard.Ingest;

/// <summary>
/// Per-key limit on ingested events (Auth:EventRateLimitPerSecond, Auth:EventRateLimitBurst), on top of the per-request
/// limit: counting requests let one key's 5,000-event batches take the writer from everyone else. A batch larger than
/// the burst waits for a full bucket rather than never passing. Off in Auth:Mode=None (as the request limit) and at 0.
/// </summary>
public sealed class IngestEventLimiter : IDisposable
{
    private readonly AuthOptions _auth;
    private readonly PartitionedRateLimiter<string>? _limiter;

    public IngestEventLimiter(IOptions<AuthOptions> auth)
    {
        _auth = auth.Value;
        if (_auth.IsNone || _auth.EventRateLimitPerSecond == 0)
        {
            return;
        }
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _auth.EventRateLimitBurst,
            TokensPerPeriod = _auth.EventRateLimitPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Who sent the request, for the limit and for the writer's turns: the API key id, else the client address.</summary>
    public static string SourceOf(HttpContext context) =>
        context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? "ip:" + context.Connection.RemoteIpAddress;

    /// <summary>Null when <paramref name="events"/> may pass now; otherwise the 429 answer with Retry-After.</summary>
    public IResult? TryAcquire(string source, int events)
    {
        if (_limiter is null || events == 0)
        {
            return null;
        }
        using var lease = _limiter.AttemptAcquire(source, Math.Min(events, _auth.EventRateLimitBurst));
        if (lease.IsAcquired)
        {
            return null;
        }
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        return new RetryAfter(TypedResults.Problem(
            title: "Too many events.",
            detail: $"This key sent more than Auth:EventRateLimitPerSecond ({_auth.EventRateLimitPerSecond}) events per second; nothing of this request was stored. Retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["field"] = "events", ["retry_after_seconds"] = seconds }), seconds);
    }

    public void Dispose() => _limiter?.Dispose();

    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
