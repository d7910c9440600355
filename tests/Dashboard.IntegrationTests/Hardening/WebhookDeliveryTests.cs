using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Webhook delivery: a queue per target, retries with backoff, status kept across restarts (issue 11, item 5).</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task Deliver_DeadAndHealthyTargets_HealthyGetsThreeAlertsAtOnce()
    {
        using var dead = new SilentWebhookTarget();
        await using var healthy = await ScriptedWebhookTarget.StartAsync();
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        await WebhookSettings.SetAsync(http, (dead.Url, "json"), (healthy.Url, "json"));

        for (var i = 1; i <= 3; i++)
        {
            await WebhookSettings.RaiseAsync(http, $"alert {i}");
        }

        // Serial delivery needed 3 x 10 s per alert for the dead target before the healthy one got the next alert.
        await WaitFor.ConditionAsync(() => healthy.Received.Count >= 3, TimeSpan.FromSeconds(5), "the healthy target hears all three alerts");
        healthy.Received.Select(r => r.Body).Should().SatisfyRespectively(
            b => b.Should().Contain("alert 1"), b => b.Should().Contain("alert 2"), b => b.Should().Contain("alert 3"));
        dead.Connections.Should().BeGreaterThan(0, "the dead target was tried too");
    }

    [Fact]
    public async Task Deliver_TargetFailsTwice_RetriedWithDoublingBackoffThenDelivered()
    {
        await using var flaky = await ScriptedWebhookTarget.StartAsync(n => n <= 2 ? 503 : 200);
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Webhooks:RetryBaseMilliseconds"] = "400" });
        using var http = factory.CreateHttpClient();
        await WebhookSettings.SetAsync(http, (flaky.Url, "json"));

        await WebhookSettings.RaiseAsync(http, "retry me");

        await WaitFor.ConditionAsync(() => flaky.Received.Count >= 3, TimeSpan.FromSeconds(10), "three attempts arrive");
        var at = flaky.Received.Select(r => r.At).ToList();
        (at[1] - at[0]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(380), "the first retry waits the base delay");
        (at[2] - at[1]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(780), "the second retry waits twice as long");
        flaky.Received.Should().OnlyContain(r => r.Body.Contains("retry me"));
        var settings = await WaitForSettingsAsync(http, "ok at");
        settings.Should().NotContain("webhook-failure", "a retry that succeeds is a delivery, not a failure");
    }

    [Fact]
    public async Task Status_AfterRestart_LastOutcomesStillShown()
    {
        await using var ok = await ScriptedWebhookTarget.StartAsync();
        await using var failing = await ScriptedWebhookTarget.StartAsync(_ => 500);
        var path = TempFiles.NewDatabasePath();
        var settings = new Dictionary<string, string?> { ["Webhooks:Attempts"] = "1" };
        await using (var first = new DashboardFactory(path, settings))
        {
            using var http = first.CreateHttpClient();
            await WebhookSettings.SetAsync(http, (ok.Url, "json"), (failing.Url, "slack"));
            await WebhookSettings.RaiseAsync(http, "before restart");
            await WaitForSettingsAsync(http, "HTTP 500");
            await WaitForSettingsAsync(http, "ok at");
        }

        await using var second = new DashboardFactory(path, settings);
        using var again = second.CreateHttpClient();
        var html = await again.GetStringAsync("/settings");

        html.Should().Contain("ok at").And.Contain("HTTP 500 Internal Server Error");
        ok.Received.Should().HaveCount(1);
        failing.Received.Should().HaveCount(1);
    }

    private static async Task<string> WaitForSettingsAsync(HttpClient http, string text)
    {
        var html = "";
        await WaitFor.ConditionAsync(async () => (html = await http.GetStringAsync("/settings")).Contains(text, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), $"/settings shows '{text}'");
        return html;
    }
}
