using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Live;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>
/// The silence dialog's fields: what to match (taken from the alert the button sits on), a duration like "1h" and a
/// reason. <see cref="Build"/> checks them with the API's own parser (<see cref="SilenceRequest.Parse"/>), so the page
/// and POST /api/v1/silences refuse the same input in the same words.
/// </summary>
public sealed class SilenceDraft
{
    public const string ByRule = "rule";
    public const string ByRun = "run";
    public const string ByRuleAndRun = "rule+run";
    public const string BySeverity = "severity";

    public required AlertChangedMessage Alert { get; init; }
    public string By { get; set; } = ByRuleAndRun;
    public string Duration { get; set; } = "1h";
    public string Reason { get; set; } = "";

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    /// <summary>The ways this alert can be matched: a run-less alert offers neither run choice.</summary>
    public IEnumerable<(string Key, string Text)> Choices()
    {
        if (Alert.Run is not null)
        {
            yield return (ByRuleAndRun, $"rule {Alert.Rule} on run {Alert.Run}");
            yield return (ByRun, $"every alert of run {Alert.Run}");
        }
        yield return (ByRule, $"rule {Alert.Rule} on every run");
        yield return (BySeverity, $"label severity={Alert.Severity}");
    }

    public static SilenceDraft For(AlertChangedMessage alert) =>
        new() { Alert = alert, By = alert.Run is null ? ByRule : ByRuleAndRun };

    /// <summary>The silence to store, or null with <see cref="Errors"/> filled.</summary>
    public SilenceEntity? Build(long nowMicros, string? createdBy)
    {
        Errors.Clear();
        var body = new JsonObject();
        if (By is ByRule or ByRuleAndRun)
        {
            body["rule"] = Alert.Rule;
        }
        if (By is ByRun or ByRuleAndRun)
        {
            body["run"] = Alert.Run;
        }
        if (By == BySeverity)
        {
            body["labels"] = new JsonObject { ["severity"] = Alert.Severity };
        }
        body["duration"] = Duration.Trim();
        body["reason"] = Reason;
        if (createdBy is { Length: > 0 and <= SilenceRequest.MaxText })
        {
            body["created_by"] = createdBy;
        }
        // The parser stops at the first fault; a stand-in for each faulty field lets the next one speak too, so every
        // field's error shows at once.
        while (true)
        {
            using var doc = JsonDocument.Parse(body.ToJsonString());
            var (silence, error) = SilenceRequest.Parse(doc.RootElement, nowMicros);
            if (error is null)
            {
                return Errors.Count == 0 ? silence : null;
            }
            // ends_at is not a field here: the duration is what sets it.
            var field = error.Field == "ends_at" ? "duration" : error.Field;
            if (!Errors.TryAdd(field, error.Message) || !StandIns.TryGetValue(field, out var standIn))
            {
                return null;
            }
            body[field] = standIn;
        }
    }

    private static readonly Dictionary<string, string> StandIns = new(StringComparer.Ordinal)
    {
        ["reason"] = "stand-in",
        ["duration"] = "1h",
    };
}
