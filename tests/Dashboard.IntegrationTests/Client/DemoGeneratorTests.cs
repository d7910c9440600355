using Dashboard.Client;
using Dashboard.Demo;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Client;

/// <summary>The --demo generator, now sending through the client library, still fills its three runs and keeps going.</summary>
public sealed class DemoGeneratorTests() : HostedTest(new Dictionary<string, string?>
{
    ["Demo:Enabled"] = "true",
    ["Demo:BackfillMinutes"] = "2",
})
{
    [Fact]
    public async Task Demo_Started_BackfillsEveryRunThenKeepsSending()
    {
        await using var conversations = new DashboardQueries(Factory.BaseAddress, DemoTraffic.ConversationRun);
        await using var classifier = new DashboardQueries(Factory.BaseAddress, DemoTraffic.ClassifierRun);
        await using var pipelines = new DashboardQueries(Factory.BaseAddress, DemoTraffic.PipelineRun);

        // Two minutes at 4 generations a second: 480 generations of history.
        await WaitFor.ConditionAsync(async () => await conversations.CountAsync("generation_time") >= 480,
            TimeSpan.FromSeconds(60), "the backfill arrives");
        var afterBackfill = await conversations.CountAsync("generation_time");
        await WaitFor.ConditionAsync(async () => await conversations.CountAsync("generation_time") >= afterBackfill + 4,
            TimeSpan.FromSeconds(30), "live ticks keep arriving");

        (await conversations.CountAsync("evaluation_score_coherence")).Should().BeGreaterThan(100);
        (await conversations.GetStatsAsync("error_rate")).Should().Match<MetricStats>(s => s.Count >= 480 && s.Min == 0 && s.Max == 1,
            "the demo records error_rate for every generation, 0 when it succeeded, as before it used the client");
        (await conversations.GetTokenUsageAsync()).ByModel.Select(m => m.ModelName).Should()
            .Contain(["gpt-4o-mini", "claude-3-5-sonnet", "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o"]);
        (await classifier.CountAsync("prediction_confidence")).Should().BeGreaterThan(800);
        (await pipelines.CountAsync("pipeline_execution_time")).Should().BeGreaterThan(10);
        var logs = await Json.GetAsync(Http, $"/api/v1/runs/{DemoTraffic.ConversationRun}/logs?limit=500");
        logs.ToString().Should().Contain("Generated conversation batch");
    }
}

/// <summary>With authentication on (the default), the demo sends with its in-memory ingest key.</summary>
public sealed class DemoGeneratorSecuredTests : IAsyncLifetime
{
    private readonly DashboardFactory _factory = Security.SecuredDashboard.Create(new Dictionary<string, string?>
    {
        ["Demo:Enabled"] = "true",
        ["Demo:BackfillMinutes"] = "1",
    });

    [Fact]
    public async Task Demo_AuthModeToken_SendsWithItsOwnKey()
    {
        await using var conversations = new DashboardQueries(_factory.BaseAddress, DemoTraffic.ConversationRun, Security.SecuredDashboard.ViewerKey);

        await WaitFor.ConditionAsync(async () => await conversations.CountAsync("generation_time") >= 240,
            TimeSpan.FromSeconds(60), "the backfill arrives through the key check");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
