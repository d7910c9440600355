using System.Net;
using System.Text.Json;
using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;
using RunGoal = Dashboard.Client.RunGoal;

namespace Dashboard.IntegrationTests.Client;

/// <summary>The .NET client's run_goal and cached_token_count (issue 16), against the real host, as the Python client's test_goal.</summary>
public sealed class ClientGoalTests : HostedTest
{
    [Fact]
    public async Task SetGoal_FirstAttemptRefused_GoalRetriedThenNotSentAgain()
    {
        var handler = new ScriptedHandler((attempt, forward) => attempt == 1
            ? Task.FromResult(ScriptedHandler.Answer(HttpStatusCode.ServiceUnavailable, TimeSpan.Zero))
            : forward());
        using var http = new HttpClient(handler);
        await using var client = ClientTestRun.Create(Factory, "goal-retry", http);
        client.SetGoal(new RunGoal { Target = 100, Deadline = new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)), Budget = 5 });

        await client.TrackGenerationAsync(ClientTestRun.Generation(1));
        await client.FlushAsync();
        await client.TrackGenerationAsync(ClientTestRun.Generation(2));
        await client.FlushAsync();

        var goals = handler.Bodies.Select(b => JsonDocument.Parse(b).RootElement)
            .Select(b => b.TryGetProperty("run_goal", out var g) ? g.GetRawText() : null).ToList();
        goals.Should().HaveCount(3, "refused, retried, then the second batch");
        goals[0].Should().Be("""{"target":100,"deadline":"2030-01-01T00:00:00.000000Z","budget":5}""");
        goals[1].Should().Be(goals[0]);
        goals[2].Should().BeNull("an accepted goal is not sent again");
        var stored = await Json.GetAsync(Http, "/api/v1/runs/goal-retry/goal");
        stored.GetProperty("target").GetInt64().Should().Be(100);
        stored.GetProperty("goal").GetProperty("budget").GetDouble().Should().Be(5);
        stored.GetProperty("goal").GetProperty("deadline").GetDateTimeOffset().Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task OptionsGoalAndCachedTokens_ReachTheDashboard()
    {
        await using var client = new DashboardClient(new DashboardClientOptions
        {
            BaseAddress = Factory.BaseAddress, Run = "goal-cached", FlushInterval = TimeSpan.FromMinutes(10),
            RunGoal = new RunGoal { Target = 4, TargetKind = GoalTargetKind.Samples },
        });

        for (var i = 0; i < 2; i++)
        {
            await client.TrackGenerationAsync(new GenerationEvent
            {
                Duration = 1, Success = true, ModelName = "net-cached-model", PromptTokenCount = 1000, CompletionTokenCount = 10,
                CachedTokenCount = 600,
            });
        }
        await client.FlushAsync();

        client.Status.Sent.Should().Be(2);
        var goal = await Json.GetAsync(Http, "/api/v1/runs/goal-cached/goal");
        goal.GetProperty("target").GetInt64().Should().Be(4);
        goal.GetProperty("done").GetInt64().Should().Be(2);
        goal.GetProperty("fraction").GetDouble().Should().Be(0.5);
        var models = (await Json.GetAsync(Http, "/api/v1/runs/goal-cached/cost")).GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("model").GetString(), m.GetProperty("cached_tokens").GetInt64(), m.GetProperty("prompt_tokens").GetInt64()));
        models.Should().Equal(("net-cached-model", 1200L, 2000L));
    }

    [Fact]
    public void SetGoal_GoalTheServerWouldRefuse_ThrowsBeforeSending()
    {
        var options = new DashboardClientOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:9"), Run = "never", RunGoal = new RunGoal { TargetKind = GoalTargetKind.Accepted, Target = 3 },
        };

        var create = () => new DashboardClient(options);

        create.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("AcceptScore");
    }
}
