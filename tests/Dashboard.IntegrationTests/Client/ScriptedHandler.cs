using System.Collections.Concurrent;
using System.Text.Json;

namespace Dashboard.IntegrationTests.Client;

/// <summary>
/// A test double in front of the real host: each request to /api/v1/ingest is numbered, recorded (time
/// and event count) and given to a script that may answer it itself, forward it, or forward it and
/// then replace the answer (a stored batch whose acknowledgement was lost).
/// </summary>
public sealed class ScriptedHandler(Func<int, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>> script)
    : DelegatingHandler(new SocketsHttpHandler())
{
    private int _attempts;

    public ConcurrentQueue<(int Attempt, DateTimeOffset At, int Events)> Ingests { get; } = new();

    /// <summary>Each ingest request's body, in order.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    public static ScriptedHandler PassThrough() => new((_, forward) => forward());

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath != "/api/v1/ingest")
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var attempt = Interlocked.Increment(ref _attempts);
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        Bodies.Enqueue(body);
        using (var doc = JsonDocument.Parse(body))
        {
            Ingests.Enqueue((attempt, DateTimeOffset.UtcNow, doc.RootElement.GetProperty("events").GetArrayLength()));
        }
        return await script(attempt, () => base.SendAsync(request, cancellationToken));
    }

    public static HttpResponseMessage Answer(System.Net.HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent("""{"title":"busy","detail":"The queue is full.","field":"body"}""", System.Text.Encoding.UTF8, "application/problem+json"),
        };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }
        return response;
    }
}
