using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Core;

/// <summary>
/// The one JSON shape of the dashboard: snake_case names in HTTP answers, hub messages, webhooks, stored settings
/// and page data blocks alike; dictionary keys (metric names, labels) kept as sent; NaN and Infinity written as
/// "NaN"/"Infinity" (stats of a metric holding them) instead of failing.
/// </summary>
public static class WireJson
{
    public static readonly JsonNamingPolicy Naming = JsonNamingPolicy.SnakeCaseLower;

    /// <summary>Shared, read-only options for direct JsonSerializer calls.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    /// <summary>Applies the wire shape to options owned by someone else (minimal APIs, SignalR).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = Naming;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }
}
