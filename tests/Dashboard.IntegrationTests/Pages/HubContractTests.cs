using System.Globalization;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Pages;

/// <summary>The public hub's messages, field by field, as the README's contract table lists them.</summary>
public sealed class HubContractTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" })
{
    private static string[] Fields(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task Hub_PostedGenerationsLogsAndFailures_EveryMessageCarriesItsDocumentedFields()
    {
        await using var hub = await HubTestClient.ConnectAsync(Factory.BaseAddress);
        await hub.InvokeAsync("SubscribeRun", "hub:contract");
        await hub.InvokeAsync("SubscribeOverview");
        await hub.InvokeAsync("SubscribeAlerts");
        var t0 = DateTimeOffset.UtcNow.AddSeconds(-10);

        (await Json.PostIngestAsync(Http, "hub:contract",
            new { type = "generation", duration = 1.0, success = true, timestamp = t0.ToString("O", CultureInfo.InvariantCulture) },
            new { type = "generation", duration = 3.0, success = true, timestamp = t0.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture) })).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => hub.ArgumentsOf("MetricsAppended").Any() && hub.ArgumentsOf("RunsChanged").Any(), because: "pushes after commit");

        var appended = hub.ArgumentsOf("MetricsAppended").First()[0];
        Fields(appended).Should().BeEquivalentTo("run", "events", "metrics");
        appended.GetProperty("run").GetString().Should().Be("hub:contract");
        appended.GetProperty("events").GetInt32().Should().Be(2);
        var time = appended.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "generation_time");
        Fields(time).Should().BeEquivalentTo("name", "count", "sum", "min", "max", "last", "last_timestamp");
        (time.GetProperty("count").GetInt64(), time.GetProperty("sum").GetDouble(), time.GetProperty("min").GetDouble(),
            time.GetProperty("max").GetDouble(), time.GetProperty("last").GetDouble()).Should().Be((2L, 4.0, 1.0, 3.0, 3.0));
        time.GetProperty("last_timestamp").GetDateTimeOffset().Should().BeCloseTo(t0.AddSeconds(1), TimeSpan.FromMilliseconds(1));

        var changed = hub.ArgumentsOf("RunsChanged").First()[0].GetProperty("runs").EnumerateArray().Single();
        Fields(changed).Should().BeEquivalentTo("run", "project", "created", "events", "generations", "successes", "tokens", "last_received_at");
        (changed.GetProperty("run").GetString(), changed.GetProperty("project").GetString(), changed.GetProperty("created").GetBoolean(),
            changed.GetProperty("events").GetInt32(), changed.GetProperty("generations").GetInt64(), changed.GetProperty("successes").GetDouble())
            .Should().Be(("hub:contract", "default", true, 2, 2L, 2.0));

        (await Json.PostIngestAsync(Http, "hub:contract", new { type = "log", level = "error", message = "<b>boom</b>", data = new { k = 1 } })).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => hub.ArgumentsOf("LogsAppended").Any(), because: "a log push");
        var logs = hub.ArgumentsOf("LogsAppended").First()[0];
        Fields(logs).Should().BeEquivalentTo("run", "logs");
        var line = logs.GetProperty("logs").EnumerateArray().Single();
        Fields(line).Should().BeEquivalentTo("timestamp", "level", "message", "data");
        (line.GetProperty("level").GetString(), line.GetProperty("message").GetString()).Should().Be(("error", "<b>boom</b>"));

        (await Json.PostIngestAsync(Http, "hub:contract", [.. Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.0, success = false })])).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => hub.ArgumentsOf("AlertChanged").Any(a => a[0].GetProperty("state").GetString() == "firing"), TimeSpan.FromSeconds(15), "a firing alert");
        var alert = hub.ArgumentsOf("AlertChanged").First(a => a[0].GetProperty("state").GetString() == "firing")[0];
        Fields(alert).Should().BeEquivalentTo("id", "rule", "run", "severity", "state", "message", "value", "threshold", "started_at", "resolved_at",
            "silenced", "silence_id", "acknowledged_at", "acknowledged_by", "ack_comment");
        alert.GetProperty("run").GetString().Should().Be("hub:contract");
        // The two copies are two sends: the second may arrive a moment after the first.
        await WaitFor.ConditionAsync(() => Task.FromResult(hub.ArgumentsOf("AlertChanged")
                .Count(a => a[0].GetProperty("id").GetInt64() == alert.GetProperty("id").GetInt64() && a[0].GetProperty("state").GetString() == "firing") >= 2),
            TimeSpan.FromSeconds(10), "the firing alert is sent to the alerts group and to the run's group, and this client is in both");
    }
}
