using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Hostile corpus for notifiers: client-given alert text reaches every webhook as data, never as markup (issue 11, item 6).</summary>
public sealed class NotifierHostileTextTests : HostedTest
{
    private const string SlackPayload = "<!channel> <https://evil.example/login|Your API key expired>";
    private const string MetricPayload = "<!here>&<@U123>";

    [Fact]
    public async Task PostAlert_SlackMarkupInMessage_EscapedForSlackAndJsonEncodedForJson()
    {
        await using var slack = await ScriptedWebhookTarget.StartAsync();
        await using var json = await ScriptedWebhookTarget.StartAsync();
        await WebhookSettings.SetAsync(Http, (slack.Url, "slack"), (json.Url, "json"));

        using var response = await Http.PostAsync("/api/v1/alerts", Json.Content(new { message = SlackPayload, metric_name = MetricPayload }));
        response.EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => !slack.Received.IsEmpty && !json.Received.IsEmpty, TimeSpan.FromSeconds(10), "both targets hear the alert");
        var slackBody = slack.Received.Single().Body;
        var text = JsonDocument.Parse(slackBody).RootElement.GetProperty("text").GetString()!;
        text.Should().Contain("&lt;!channel&gt; &lt;https://evil.example/login|Your API key expired&gt;")
            .And.Contain("&lt;!here&gt;&amp;&lt;@U123&gt;");
        text.Should().NotContainAny("<", ">");
        var jsonBody = json.Received.Single().Body;
        var alert = JsonDocument.Parse(jsonBody).RootElement;
        alert.GetProperty("message").GetString().Should().Be(SlackPayload);
        alert.GetProperty("rule").GetString().Should().EndWith(MetricPayload);
        jsonBody.Should().NotContain("<!channel>", "the encoder writes < and > as \\u003C and \\u003E");
    }
}
