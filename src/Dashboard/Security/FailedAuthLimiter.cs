using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>
/// Counts failed authentications (unknown keys, wrong login tokens) per client address in fixed windows of
/// Auth:FailedAuthWindowSeconds. Once an address reaches Auth:MaxFailedAuthPerWindow, every request of it that
/// presents credentials gets 429 with Retry-After until the window ends, so guessing keys costs real time.
/// Requests without credentials are not affected: the pages still redirect to /login.
/// </summary>
public sealed class FailedAuthLimiter(IOptions<AuthOptions> options, TimeProvider time)
{
    private sealed class Window(long start)
    {
        public long Start = start;
        public int Failures;
    }

    /// <summary>Addresses remembered at most; beyond it windows that have ended are dropped first.</summary>
    public const int MaxTrackedAddresses = 100_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Records one failure for <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (!Enabled)
        {
            return;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_windows.Count >= MaxTrackedAddresses)
        {
            foreach (var (key, old) in _windows.Where(w => now - w.Value.Start >= WindowMilliseconds))
            {
                _windows.TryRemove(key, out _);
            }
        }
        var window = _windows.GetOrAdd(Key(address), _ => new Window(now));
        lock (window)
        {
            if (now - window.Start >= WindowMilliseconds)
            {
                window.Start = now;
                window.Failures = 0;
            }
            window.Failures++;
        }
    }

    /// <summary>Seconds until <paramref name="address"/> may try again, or null when it is not blocked.</summary>
    public int? RetryAfterSeconds(IPAddress? address)
    {
        if (!Enabled || !_windows.TryGetValue(Key(address), out var window))
        {
            return null;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (window)
        {
            var left = window.Start + WindowMilliseconds - now;
            if (left <= 0 || window.Failures < options.Value.MaxFailedAuthPerWindow)
            {
                return null;
            }
            return (int)Math.Max(1, Math.Ceiling(left / 1000d));
        }
    }

    /// <summary>Answers 429 problem+json with Retry-After for a blocked address.</summary>
    public static Task RejectAsync(HttpContext context, int seconds)
    {
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Too many failed sign-ins.",
            detail: $"This address presented wrong keys or tokens too often (Auth:MaxFailedAuthPerWindow). Retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["field"] = "Authorization", ["retry_after_seconds"] = seconds })
            .ExecuteAsync(context);
    }

    private bool Enabled => options.Value.MaxFailedAuthPerWindow > 0;

    private long WindowMilliseconds => options.Value.FailedAuthWindowSeconds * 1000L;

    // IPv4-mapped IPv6 and plain IPv4 are one client.
    private static string Key(IPAddress? address) =>
        address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
