using System.Collections.Concurrent;
using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Client;

public sealed class ClientSubscriptionTests : IAsyncLifetime
{
    private readonly DashboardFactory _factory = SecuredDashboard.Create();

    [Fact]
    public async Task SubscribeAsync_EventPosted_MetricsAppendedReceived()
    {
        var received = new ConcurrentQueue<MetricsAppended>();
        // Sending needs an ingest key, reading a viewer key: the keys of a real deployment.
        await using var client = ClientTestRun.Create(_factory, "live", apiKey: SecuredDashboard.IngestKey, flushInterval: TimeSpan.FromMilliseconds(50));
        await using var viewer = new DashboardQueries(_factory.BaseAddress, "live", SecuredDashboard.ViewerKey);
        await using var subscription = await viewer.SubscribeAsync(received.Enqueue);

        await client.TrackGenerationAsync(ClientTestRun.Generation(3) with { Duration = 2.5 });

        await WaitFor.ConditionAsync(() => received.Any(m => m.Metrics.Any(u => u.Name == "generation_time")),
            because: "the hub pushes the committed generation");
        var message = received.First(m => m.Metrics.Any(u => u.Name == "generation_time"));
        message.Run.Should().Be("live");
        message.Metrics.Single(u => u.Name == "generation_time").Should().Match<MetricUpdate>(u => u.Count == 1 && u.Last == 2.5);
        message.Metrics.Select(u => u.Name).Should().Contain(["success_rate", "model_usage:gpt-4o-mini", "prompt_token_count"]);
        client.Status.Failed.Should().Be(0);
    }

    [Fact]
    public async Task SubscribeAsync_NoKey_Refused()
    {
        await using var viewer = new DashboardQueries(_factory.BaseAddress, "live");

        var subscribe = () => viewer.SubscribeAsync(_ => { });

        await subscribe.Should().ThrowAsync<HttpRequestException>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
