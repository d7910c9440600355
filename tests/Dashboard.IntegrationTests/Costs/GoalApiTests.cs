using System.Globalization;
using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>Run goals set through ingest and the API; progress, rate, ETA and projected cost from real stored points.</summary>
public sealed class GoalApiTests : HostedTest
{
    private static object Generation(DateTimeOffset at, bool success = true) => new
    {
        type = "generation", timestamp = at.ToString("O", CultureInfo.InvariantCulture), duration = 1.0, success,
        model_name = "gpt-4o-mini", prompt_token_count = 1000, completion_token_count = 500, total_token_count = 1500,
    };

    [Fact]
    public async Task PostIngest_WithRunGoal_GoalStored()
    {
        var body = new
        {
            run = "goal-ingest",
            run_goal = new { target = 1000, deadline = "2030-01-01T00:00:00Z", budget = 5.0 },
            events = new[] { Generation(DateTimeOffset.UtcNow) },
        };

        using var response = await Http.PostAsync("/api/v1/ingest", Json.Content(body));
        response.EnsureSuccessStatusCode();

        var progress = await Json.GetAsync(Http, "/api/v1/runs/goal-ingest/goal");
        progress.GetProperty("goal").GetProperty("target").GetInt64().Should().Be(1000);
        progress.GetProperty("goal").GetProperty("target_kind").GetString().Should().Be("samples");
        progress.GetProperty("goal").GetProperty("budget").GetDouble().Should().Be(5);
        progress.GetProperty("deadline").GetDateTimeOffset().Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        progress.GetProperty("done").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task PostIngest_BadRunGoal_BatchRefusedNamingField()
    {
        var body = new { run = "goal-bad", run_goal = new { target = -5 }, events = new[] { Generation(DateTimeOffset.UtcNow) } };

        using var response = await Http.PostAsync("/api/v1/ingest", Json.Content(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run_goal.target");
        using var goal = await Http.GetAsync("/api/v1/runs/goal-bad/goal");
        goal.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetGoal_SteadyRecentProgress_EtaRateAndProjectedCost()
    {
        // 10 successful generations a minute over the last 10 minutes (plus failures, which do not count), mid-minute so
        // the few seconds the test takes cannot move one into another bucket.
        var now = DateTimeOffset.UtcNow;
        var events = new List<object>();
        for (var m = 0; m < 10; m++)
        {
            for (var i = 0; i < 10; i++)
            {
                events.Add(Generation(now.AddMinutes(-m - 0.5).AddSeconds(i)));
            }
            events.Add(Generation(now.AddMinutes(-m - 0.5).AddSeconds(30), success: false));
        }
        using (var ingest = await Json.PostIngestAsync(Http, "goal-eta", [.. events]))
        {
            ingest.EnsureSuccessStatusCode();
        }

        using var put = await Http.PutAsync("/api/v1/runs/goal-eta/goal",
            Json.Content(new { target = 400, deadline = now.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture) }));
        put.EnsureSuccessStatusCode();
        var p = await Json.ReadAsync(put);

        p.GetProperty("done").GetInt64().Should().Be(100);
        p.GetProperty("remaining").GetInt64().Should().Be(300);
        p.GetProperty("fraction").GetDouble().Should().Be(0.25);
        // The run's first point is 9.5 minutes old: it is measured over its own age, 10 one-minute buckets.
        p.GetProperty("window_minutes").GetInt32().Should().Be(10);
        p.GetProperty("rate_per_minute").GetDouble().Should().BeApproximately(10, 1e-9);
        var eta = p.GetProperty("eta").GetDateTimeOffset();
        eta.Should().BeCloseTo(now.AddMinutes(30), TimeSpan.FromSeconds(30));
        p.GetProperty("eta_earliest").GetDateTimeOffset().Should().BeBefore(eta);
        p.GetProperty("eta_latest").GetDateTimeOffset().Should().BeAfter(eta);
        p.GetProperty("eta_past_deadline").GetBoolean().Should().BeTrue();
        // gpt-4o-mini from the starter table: 110 generations x (1000 x 0.15 + 500 x 0.60) / 1e6, per sample done, x 400.
        var spent = 110 * (1000 * 0.15 + 500 * 0.60) / 1e6;
        p.GetProperty("cost_so_far").GetDouble().Should().BeApproximately(spent, 1e-9);
        p.GetProperty("projected_cost").GetDouble().Should().BeApproximately(spent / 100 * 400, 1e-9);
    }

    [Fact]
    public async Task GetGoal_AcceptedKindWithoutPoints_ZeroProgressNoEta()
    {
        using (var ingest = await Json.PostIngestAsync(Http, "goal-acc", Generation(DateTimeOffset.UtcNow)))
        {
            ingest.EnsureSuccessStatusCode();
        }

        using var put = await Http.PutAsync("/api/v1/runs/goal-acc/goal",
            Json.Content(new { target = 10, target_kind = "accepted", accept_score = "quality", accept_min = 0.7 }));
        put.EnsureSuccessStatusCode();

        var p = await Json.ReadAsync(put);
        p.GetProperty("done").GetInt64().Should().Be(0);
        p.GetProperty("eta").ValueKind.Should().Be(JsonValueKind.Null);
        p.GetProperty("projected_cost").ValueKind.Should().Be(JsonValueKind.Null);
        p.GetProperty("goal").GetProperty("accept_min").GetDouble().Should().Be(0.7);
    }

    [Fact]
    public async Task DeleteGoal_Stored_GoalGone()
    {
        using (var ingest = await Json.PostIngestAsync(Http, "goal-del", Generation(DateTimeOffset.UtcNow)))
        {
            ingest.EnsureSuccessStatusCode();
        }
        using (var put = await Http.PutAsync("/api/v1/runs/goal-del/goal", Json.Content(new { target = 10 })))
        {
            put.EnsureSuccessStatusCode();
        }

        using var delete = await Http.DeleteAsync("/api/v1/runs/goal-del/goal");

        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Json.GetAsync(Http, "/api/v1/runs/goal-del/goal")).GetProperty("goal").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("""{"target": 0}""", "target")]
    [InlineData("""{"target": 10, "deadline": "soon"}""", "deadline")]
    [InlineData("""{"target": 10, "target_kind": "accepted"}""", "accept_score")]
    [InlineData("""[1]""", "body")]
    [InlineData("""{"target": """, "body")]
    public async Task PutGoal_BadInput_ProblemNamingField(string body, string field)
    {
        using (var ingest = await Json.PostIngestAsync(Http, "goal-put", Generation(DateTimeOffset.UtcNow)))
        {
            ingest.EnsureSuccessStatusCode();
        }

        using var response = await Http.PutAsync("/api/v1/runs/goal-put/goal", Json.Raw(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }

    [Fact]
    public async Task PutGoal_UnknownRun_NotFound()
    {
        using var response = await Http.PutAsync("/api/v1/runs/nobody/goal", Json.Content(new { target = 10 }));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
