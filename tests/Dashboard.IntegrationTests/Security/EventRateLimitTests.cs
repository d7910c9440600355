using System.Net;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Security;

/// <summary>The per-key limit counts events, not requests (issue 11, item 7).</summary>
public sealed class EventRateLimitTests
{
    [Fact]
    public async Task PostIngest_KeyOverItsEventRate_Answers429WithRetryAfterWhileRequestsAreFew()
    {
        await using var factory = SecuredDashboard.Create(new Dictionary<string, string?>
        {
            ["Auth:EventRateLimitPerSecond"] = "1",
            ["Auth:EventRateLimitBurst"] = "1000",
        });
        using var http = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);

        using var first = await PostAsync(http, 1_000);
        using var second = await PostAsync(http, 10);

        first.StatusCode.Should().Be(HttpStatusCode.OK, "a full bucket takes a whole batch");
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "two requests, but 1,010 events in a bucket of 1,000");
        second.Headers.RetryAfter.Should().NotBeNull();
        var problem = await Json.ReadAsync(second);
        problem.GetProperty("field").GetString().Should().Be("events");
        problem.GetProperty("detail").GetString().Should().Contain("Auth:EventRateLimitPerSecond");
        StoredPoints.Count(factory.DatabasePath, "SELECT COALESCE(SUM(event_count), 0) FROM runs").Should().Be(1_000, "nothing of the refused request was stored");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, int events) =>
        http.PostAsync("/api/v1/ingest", Json.Raw($$"""{"run":"rate","events":[{{string.Join(",", Enumerable.Range(0, events).Select(i => $$"""{"type":"metric","name":"m","value":{{i}}}"""))}}]}"""));
}
