using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

public sealed class SmokeTests
{
    [Fact]
    public async Task PostIngest_ThenHubSubscriber_ReceivesMetricsAppended()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        await using var hub = await HubTestClient.ConnectAsync(factory.BaseAddress);
        await hub.InvokeAsync("SubscribeRun", "smoke");

        using var response = await Json.PostIngestAsync(http, "smoke", new { type = "generation", duration = 1.5, success = true });

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        await WaitFor.ConditionAsync(() => hub.ArgumentsOf("MetricsAppended").Any(), because: "a push after commit");
        var message = hub.ArgumentsOf("MetricsAppended").First()[0];
        message.GetProperty("run").GetString().Should().Be("smoke");
        message.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString())
            .Should().BeEquivalentTo("generation_time", "success_rate");
    }
}
