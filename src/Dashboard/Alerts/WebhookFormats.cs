using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>
/// How one kind of webhook target wants an alert: the delivery queue, retries and status are the same for
/// every kind, so a new kind is one class here plus its name in <see cref="WebhookFormats.All"/>.
/// Every string of the alert may come from a client (POST /api/v1/alerts, metric names): a format must
/// encode it as data for its receiver, never as markup or structure.
/// </summary>
public interface IWebhookFormat
{
    /// <summary>The value of a webhook's <c>format</c> setting.</summary>
    string Name { get; }

    /// <summary>One notification: a group's alerts (the failure-share pair of a run is one group).</summary>
    HttpContent Body(AlertNotification notification);
}

/// <summary>
/// The lead alert's own fields as a JSON object, plus <c>group</c> and <c>alerts</c> (every alert of the group, the lead
/// included); System.Text.Json encodes every string, so text stays text.
/// </summary>
public sealed class JsonWebhookFormat : IWebhookFormat
{
    private static readonly JsonSerializerOptions Json = WireJson.Options;

    public string Name => "json";

    public HttpContent Body(AlertNotification notification) => JsonContent.Create(Document(notification));

    public static JsonObject Document(AlertNotification notification)
    {
        var body = JsonSerializer.SerializeToNode(notification.Lead, Json)!.AsObject();
        body["group"] = notification.Group;
        body["alerts"] = JsonSerializer.SerializeToNode(notification.Alerts, Json);
        return body;
    }
}

/// <summary>
/// Slack's incoming-webhook <c>{"text": ...}</c>. Slack reads &lt;...&gt; in text as mentions and links
/// (&lt;!channel&gt;, &lt;url|label&gt;), so every piece is escaped with Slack's three entities first.
/// </summary>
public sealed class SlackWebhookFormat : IWebhookFormat
{
    public string Name => "slack";

    public HttpContent Body(AlertNotification notification) =>
        JsonContent.Create(new { text = string.Join("\n", notification.Alerts.Select(Text)) });

    public static string Text(AlertChangedMessage a) => string.Create(CultureInfo.InvariantCulture,
        $"[{Escape(a.State.ToUpperInvariant())}] {Escape(a.Severity)} {Escape(a.Rule)}{(a.Run is null ? "" : " on run " + Escape(a.Run))}: {Escape(a.Message)}");

    /// <summary>Slack's escaping: &amp; first, then &lt; and &gt;; nothing else has meaning inside plain text.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
        }
        return sb.ToString();
    }
}

/// <summary>The formats a webhook may name.</summary>
public static class WebhookFormats
{
    public static readonly IReadOnlyList<IWebhookFormat> All = [new JsonWebhookFormat(), new SlackWebhookFormat()];

    public static IWebhookFormat Get(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal)) ?? All[0];
}
