using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

public sealed class AlertsFlowTests
{
    private static readonly Dictionary<string, string?> FastAlerts = new() { ["Alerts:IntervalSeconds"] = "1" };

    [Fact]
    public async Task FailedGenerationBurst_FiresLowSuccessRateLiveAndToWebhooks_SuccessesResolveIt()
    {
        await using var webhooks = await WebhookListener.StartAsync();
        await using var factory = new DashboardFactory(settings: FastAlerts);
        using var http = factory.CreateHttpClient();
        await AlertSettingsEdit.EditAsync(http, d =>
        {
            AlertSettingsEdit.Immediate(d);
            d["webhooks"] = AlertSettingsEdit.Webhooks((new Uri(webhooks.BaseAddress, "generic"), "json"), (new Uri(webhooks.BaseAddress, "slack"), "slack"));
        });
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(width: 1280, height: 800);
        await page.GotoAsync(new Uri(factory.BaseAddress, "/alerts").ToString());
        await page.WaitForSelectorAsync("#alert-feed[data-live=on]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        (await Json.PostIngestAsync(http, "burst-run", AlertSettingsEdit.Generations(25, success: false))).EnsureSuccessStatusCode();

        var firingRow = page.Locator("#alert-feed tr:has([data-rule=low_success_rate][data-state=firing])");
        await firingRow.WaitForAsync(new() { Timeout = 15_000 });
        (await firingRow.InnerTextAsync()).Should().Contain("burst-run").And.Contain("Success rate 0 is below 0.8");
        (await page.Locator("#firing-count").InnerTextAsync()).Should().NotBe("0");
        await WaitFor.ConditionAsync(() => webhooks.At("/generic").Any(b => Is(b, "low_success_rate", "firing"))
            && webhooks.At("/slack").Any(b => b.GetProperty("text").GetString()!.StartsWith("[FIRING] warning low_success_rate on run burst-run")),
            TimeSpan.FromSeconds(15), "both webhooks hear of the firing alert");
        var firing = await Json.GetAsync(http, "/api/v1/alerts?state=firing&run=burst-run");
        firing.EnumerateArray().Select(a => a.GetProperty("rule").GetString()).Should().Contain(["low_success_rate", "high_error_rate"]);
        var fields = firing.EnumerateArray().First().EnumerateObject().Select(p => p.Name);
        fields.Should().BeEquivalentTo(["id", "rule", "run", "severity", "state", "message", "value", "threshold", "started_at", "resolved_at",
            "silenced", "silence_id", "acknowledged_at", "acknowledged_by", "ack_comment"]);
        var generic = webhooks.At("/generic").First(b => Is(b, "low_success_rate", "firing"));
        generic.GetProperty("run").GetString().Should().Be("burst-run");
        generic.GetProperty("threshold").GetDouble().Should().Be(0.8);
        await Browser.ScreenshotAsync(page, "alerts-firing");

        (await Json.PostIngestAsync(http, "burst-run", AlertSettingsEdit.Generations(150, success: true))).EnsureSuccessStatusCode();

        await page.Locator("#alert-feed tr:has([data-rule=low_success_rate][data-state=resolved])").WaitForAsync(new() { Timeout = 15_000 });
        await WaitFor.ConditionAsync(() => webhooks.At("/generic").Any(b => Is(b, "low_success_rate", "resolved")),
            TimeSpan.FromSeconds(15), "the webhook hears of the resolve");
        (await page.Locator("#alert-feed tr:has([data-rule=low_success_rate])").CountAsync()).Should().Be(1, "one alert per firing");
        var all = await Json.GetAsync(http, "/api/v1/alerts?run=burst-run");
        all.EnumerateArray().Where(a => a.GetProperty("rule").GetString() == "low_success_rate").Should().ContainSingle()
            .Which.GetProperty("resolved_at").ValueKind.Should().Be(JsonValueKind.String);
        await Browser.ScreenshotAsync(page, "alerts-resolved");
    }

    [Fact]
    public async Task PostAlert_External_StoredListedAndValidated()
    {
        await using var factory = new DashboardFactory(settings: FastAlerts);
        using var http = factory.CreateHttpClient();

        using var created = await http.PostAsync("/api/v1/alerts", Json.Content(new
        {
            message = "Drift detected", severity = "critical", metric_name = "drift", metric_value = 0.4, threshold = 0.3,
            metadata = new { model = "m1" }, run = "ext-run",
        }));
        using var bad = await http.PostAsync("/api/v1/alerts", Json.Content(new { message = "x", severity = "loud" }));
        using var badLimit = await http.GetAsync("/api/v1/alerts?limit=abc");

        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        var list = await Json.GetAsync(http, "/api/v1/alerts?severity=critical");
        var alert = list.EnumerateArray().Should().ContainSingle().Subject;
        alert.GetProperty("rule").GetString().Should().Be("external:drift");
        alert.GetProperty("state").GetString().Should().Be("firing");
        alert.GetProperty("value").GetDouble().Should().Be(0.4);
        bad.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await Json.ReadAsync(bad)).GetProperty("field").GetString().Should().Be("severity");
        (await Json.ReadAsync(badLimit)).GetProperty("field").GetString().Should().Be("limit");
    }

    [Fact]
    public async Task PutSettings_Invalid_ProblemNamesFieldAndNothingSaved()
    {
        await using var factory = new DashboardFactory(settings: FastAlerts);
        using var http = factory.CreateHttpClient();
        var before = (await Json.GetAsync(http, "/api/v1/settings/alerts")).GetRawText();

        var negative = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(before)!;
        var rules = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(negative["rules"].GetRawText())!;
        rules["low_success_rate"]["window_seconds"] = JsonSerializer.SerializeToElement(-1);
        negative["rules"] = JsonSerializer.SerializeToElement(rules);
        using var negativeWindow = await http.PutAsync("/api/v1/settings/alerts", Json.Content(negative));
        using var notNumber = await http.PutAsync("/api/v1/settings/alerts",
            Json.Raw("""{"interval_seconds": "often", "rules": {}}"""));

        negativeWindow.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        negativeWindow.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(negativeWindow)).GetProperty("field").GetString().Should().Be("rules.low_success_rate.window_seconds");
        notNumber.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await Json.ReadAsync(notNumber)).GetProperty("field").GetString().Should().Be("interval_seconds");
        (await Json.GetAsync(http, "/api/v1/settings/alerts")).GetRawText().Should().Be(before);
    }

    [Fact]
    public void Start_IntervalZero_FailsNamingTheKey()
    {
        StartFailure.Of(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "0" }).Should().Contain("Alerts:IntervalSeconds");
    }

    private static bool Is(JsonElement body, string rule, string state) =>
        body.TryGetProperty("rule", out var r) && r.GetString() == rule && body.GetProperty("state").GetString() == state;
}
