using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

public sealed class AlertmanagerTests
{
    [Fact]
    public async Task FailedGenerations_FiringAlertAppearsInRealAlertmanager_ResendsExtendIt_SuccessesResolveIt()
    {
        await using var alertmanager = await StartAlertmanagerAsync();
        using var am = new HttpClient { BaseAddress = alertmanager.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>
        {
            ["Alerts:IntervalSeconds"] = "1",
            ["Alerts:AlertmanagerResendSeconds"] = "1",
        });
        using var http = factory.CreateHttpClient();
        await AlertSettingsEdit.EditAsync(http, d =>
        {
            AlertSettingsEdit.Immediate(d);
            d["webhooks"] = AlertSettingsEdit.Webhooks((alertmanager.BaseAddress, "alertmanager"));
        });

        (await Json.PostIngestAsync(http, "am-run", AlertSettingsEdit.Generations(25, success: false))).EnsureSuccessStatusCode();

        JsonElement alert = default;
        await WaitFor.ConditionAsync(async () => (alert = await FindAsync(am, "low_success_rate", "am-run")).ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(20), "the firing alert reaches Alertmanager");
        var labels = alert.GetProperty("labels");
        labels.GetProperty("severity").GetString().Should().Be("warning");
        labels.GetProperty("rule").GetString().Should().Be("low_success_rate");
        labels.GetProperty("run").GetString().Should().Be("am-run");
        alert.GetProperty("annotations").GetProperty("message").GetString().Should().Contain("Success rate 0 is below 0.8");
        alert.GetProperty("annotations").GetProperty("threshold").GetString().Should().Be("0.8");
        alert.GetProperty("annotations").GetProperty("value").GetString().Should().Be("0");
        alert.GetProperty("status").GetProperty("state").GetString().Should().Be("active");
        var firstEnd = alert.GetProperty("endsAt").GetDateTimeOffset();
        firstEnd.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(4));
        await WaitFor.ConditionAsync(async () => (await FindAsync(am, "low_success_rate", "am-run")) is { ValueKind: JsonValueKind.Object } a
            && a.GetProperty("endsAt").GetDateTimeOffset() > firstEnd, TimeSpan.FromSeconds(20), "a re-send moves endsAt on");

        (await Json.PostIngestAsync(http, "am-run", AlertSettingsEdit.Generations(150, success: true))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(async () => (await FindAsync(am, "low_success_rate", "am-run")).ValueKind == JsonValueKind.Undefined,
            TimeSpan.FromSeconds(20), "the resolved alert leaves Alertmanager's active alerts");
        var stored = await Json.GetAsync(http, "/api/v1/alerts?run=am-run&state=resolved");
        stored.EnumerateArray().Select(a => a.GetProperty("rule").GetString()).Should().Contain("low_success_rate");
    }

    /// <summary>The active (not resolved) alert of that rule and run in Alertmanager's v2 API, or default.</summary>
    private static async Task<JsonElement> FindAsync(HttpClient am, string rule, string run)
    {
        var filter = Uri.EscapeDataString($"alertname=\"{rule}\"") + "&filter=" + Uri.EscapeDataString($"run=\"{run}\"");
        var alerts = await am.GetFromJsonAsync<JsonElement>("/api/v2/alerts?filter=" + filter);
        return alerts.EnumerateArray().FirstOrDefault();
    }

    private static Task<ExternalServer> StartAlertmanagerAsync() => ExternalServer.StartAsync("/usr/bin/prometheus-alertmanager",
        (folder, port) =>
        [
            $"--config.file={Path.Combine(folder, "alertmanager.yml")}",
            $"--storage.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            // No cluster: it would bind 9094 and gossip with any other Alertmanager on the machine.
            "--cluster.listen-address=",
        ],
        "/-/ready",
        (folder, _) => File.WriteAllText(Path.Combine(folder, "alertmanager.yml"), """
            route:
              receiver: discard
            receivers:
              - name: discard
            """));
}
