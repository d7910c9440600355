using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>
/// The body Alertmanager's v2 API takes (POST /api/v2/alerts): one postable alert per dashboard alert,
/// labelled alertname, severity, run and rule, annotated with message, value and threshold.
/// A firing alert ends <see cref="FiringValidity"/> after it is sent unless sent again (<see cref="AlertmanagerSender"/> does
/// that every Alerts:AlertmanagerResendSeconds), so Alertmanager resolves it by itself if the dashboard goes away;
/// a resolved alert ends when it resolved.
/// </summary>
public static class AlertmanagerPayload
{
    /// <summary>The webhook target kind (<see cref="WebhookTarget.Format"/>) that posts to Alertmanager.</summary>
    public const string Format = "alertmanager";

    public const string AlertsPath = "api/v2/alerts";

    /// <summary>Prometheus sends endsAt = now + 4 x its resend delay; 5 minutes matches Alertmanager's own resolve_timeout default.</summary>
    public static readonly TimeSpan FiringValidity = TimeSpan.FromMinutes(5);

    /// <summary>Alertmanager hears only firing and resolved alerts, as from Prometheus; pending ones never reach it.</summary>
    public static bool Sends(AlertChangedMessage alert) => alert.State is AlertState.Firing or AlertState.Resolved;

    /// <summary>The target's address is Alertmanager's base URL (http://host:9093 or a path prefix); the API path is added unless given.</summary>
    public static string AlertsUrl(string targetUrl)
    {
        var trimmed = targetUrl.TrimEnd('/');
        return trimmed.EndsWith("/" + AlertsPath, StringComparison.OrdinalIgnoreCase) ? trimmed : trimmed + "/" + AlertsPath;
    }

    public static IReadOnlyList<PostableAlert> Build(IEnumerable<AlertChangedMessage> alerts, DateTimeOffset now) =>
        alerts.Where(Sends).Select(a => From(a, now)).ToList();

    public static HttpContent Content(IEnumerable<AlertChangedMessage> alerts, DateTimeOffset now) =>
        JsonContent.Create(Build(alerts, now));

    public static PostableAlert From(AlertChangedMessage a, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = a.Rule,
            ["severity"] = a.Severity,
            ["rule"] = a.Rule,
        };
        if (a.Run is { } run)
        {
            labels["run"] = run;
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["message"] = a.Message };
        if (a.Value is { } value)
        {
            annotations["value"] = value.ToString("R", CultureInfo.InvariantCulture);
        }
        if (a.Threshold is { } threshold)
        {
            annotations["threshold"] = threshold.ToString("R", CultureInfo.InvariantCulture);
        }
        var endsAt = a.State == AlertState.Resolved ? a.ResolvedAt ?? now : now + FiringValidity;
        return new PostableAlert(labels, annotations, a.StartedAt, endsAt);
    }
}

/// <summary>One alert as Alertmanager's OpenAPI names it (postableAlert).</summary>
public sealed record PostableAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt);
