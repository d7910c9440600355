using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>Silence and acknowledge from the alerts grid in Chromium, against a real webhook receiver: a silenced run's alerts
/// show marked "silenced" and no webhook is sent for them; expiring the silence from its list lets them through again.</summary>
public sealed class SilenceBrowserTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" }), IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private WebhookListener _hooks = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _hooks = await WebhookListener.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _hooks.DisposeAsync();
    }

    private IEnumerable<JsonElement> Heard(string run) =>
        _hooks.At("/hook").Where(b => b.TryGetProperty("run", out var r) && r.GetString() == run);

    [Fact]
    public async Task AlertsGrid_SilenceRunFromRow_MarkedSilencedAndNoWebhookSent()
    {
        const string reason = "<b>load test</b> until 3 pm";
        await AlertSettingsEdit.EditAsync(Http, d =>
        {
            AlertSettingsEdit.Immediate(d);
            d["webhooks"] = AlertSettingsEdit.Webhooks((new Uri(_hooks.BaseAddress, "hook"), "json"));
        });
        using (var external = await Http.PostAsync("/api/v1/alerts", Json.Content(new { severity = "warning", message = "disk almost full", run = "muted-run" })))
        {
            external.EnsureSuccessStatusCode();
        }
        await WaitFor.ConditionAsync(() => Heard("muted-run").Any(), Patience, "the alert raised before any silence is sent");
        var page = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "alerts"));
        await page.Locator("#alert-feed[data-live='on']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        var row = page.Locator("#alerts-table tr:has-text('disk almost full')");
        await row.Locator(".alert-ack").ClickAsync();
        await row.Locator("[data-acked]").WaitForAsync(new() { Timeout = 10_000 });
        await row.Locator(".alert-silence").ClickAsync();
        await page.Locator(".silence-dialog").GetByText("every alert of run muted-run").ClickAsync();
        await page.ClickAsync("#silence-save");
        await page.Locator(".silence-dialog", new() { HasText = "reason must be a string" }).WaitForAsync();
        await page.FillAsync("#silence-reason", reason);
        await page.ClickAsync("#silence-save");
        await row.Locator("[data-silenced]").WaitForAsync(new() { Timeout = 10_000 });
        (await page.Locator(".silence-row .silence-reason").InnerTextAsync()).Should().Be(reason, "a hostile reason shows as text");

        (await Json.PostIngestAsync(Http, "muted-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "loud-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("loud-run").Any(), Patience, "the unsilenced run is notified");
        var firing = page.Locator("#alerts-table tr:has([data-rule='high_error_rate']):has-text('muted-run')");
        await firing.WaitForAsync(new() { Timeout = 15_000 });
        await firing.Locator("[data-silenced]").WaitForAsync();
        Heard("muted-run").Should().ContainSingle("only the alert raised before the silence was sent");
        await Browser.ScreenshotAsync(page, "alerts-silenced");
        // The run page lists the same alerts, marked the same way.
        var runPage = await Browser.OpenAsync(new Uri(Factory.BaseAddress, "runs/muted-run"));
        await runPage.Locator("#alerts-table tr:has([data-rule='high_error_rate']) [data-silenced]").WaitForAsync(new() { Timeout = 15_000 });
        await runPage.CloseAsync();

        await page.Locator(".silence-expire").ClickAsync();
        await page.Locator("#silences-empty").WaitForAsync(new() { Timeout = 10_000 });
        await WaitFor.ConditionAsync(() => Heard("muted-run").Count() > 1, Patience, "the still-firing alerts are sent once the silence ends");
        Browser.Errors.Should().BeEmpty();
    }
}
