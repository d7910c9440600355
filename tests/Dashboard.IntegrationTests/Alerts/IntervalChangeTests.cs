using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

public sealed class IntervalChangeTests
{
    [Fact]
    public async Task PutSettings_ShorterInterval_EvaluatorUsesItAtOnce()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "3600" });
        using var http = factory.CreateHttpClient();
        var failures = Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.0, success = false }).ToArray();
        (await Json.PostIngestAsync(http, "interval-run", failures)).EnsureSuccessStatusCode();
        var settings = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>((await Json.GetAsync(http, "/api/v1/settings/alerts")).GetRawText())!;
        settings["interval_seconds"] = JsonSerializer.SerializeToElement(1);

        (await http.PutAsync("/api/v1/settings/alerts", Json.Content(settings))).EnsureSuccessStatusCode();

        // Without the change the first evaluation would come an hour after start-up.
        await WaitFor.ConditionAsync(async () =>
                (await Json.GetAsync(http, "/api/v1/alerts?state=firing&run=interval-run")).GetArrayLength() > 0,
            TimeSpan.FromSeconds(15), "an alert fires within seconds of the interval change");
    }
}
