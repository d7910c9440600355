using System.Text.Json.Nodes;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>Edits the stored alert settings through the API, as a user's script would: GET, change, PUT.</summary>
public static class AlertSettingsEdit
{
    public static async Task EditAsync(HttpClient http, Action<JsonObject> edit)
    {
        var document = JsonNode.Parse((await Json.GetAsync(http, "/api/v1/settings/alerts")).GetRawText())!.AsObject();
        edit(document);
        using var response = await http.PutAsync("/api/v1/settings/alerts", Json.Raw(document.ToJsonString()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Resolves as soon as the condition clears and notifies without group waits, so a test of the path from
    /// ingest to webhook need not wait out the shipped keep_firing_for (120 s) and group timers.
    /// </summary>
    public static void Immediate(JsonObject document)
    {
        foreach (var (_, rule) in document["rules"]!.AsObject())
        {
            rule!["keep_firing_for_seconds"] = 0;
        }
        document["notifications"] = new JsonObject { ["group_wait_seconds"] = 0, ["group_interval_seconds"] = 0, ["repeat_interval_seconds"] = 3600 };
    }

    public static JsonArray Webhooks(params (Uri Url, string Format)[] targets) =>
        new([.. targets.Select(t => (JsonNode)new JsonObject { ["url"] = t.Url.ToString(), ["format"] = t.Format, ["enabled"] = true })]);

    public static object[] Generations(int count, bool success) =>
        Enumerable.Range(0, count).Select(_ => (object)(success
            ? new { type = "generation", duration = 0.8, success = true }
            : new { type = "generation", duration = 1.2, success = false, error = "timeout" })).ToArray();
}
