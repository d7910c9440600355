using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>calibrax ProductionMonitor.trigger_alert's fields, plus the run it belongs to.</summary>
public sealed record ExternalAlertRequest(string Message, string Severity, string? MetricName, double? MetricValue,
    double? Threshold, JsonElement? Metadata, string? Run)
{
    public static (AlertEntity? Alert, FieldError? Error) Parse(JsonElement body, long now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, new FieldError("body", "The body must be a JSON object."));
        }
        if (!body.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || message.GetString()!.Length is 0 or > 2000)
        {
            return (null, new FieldError("message", "message must be a string of 1-2000 characters."));
        }
        var severity = AlertSeverity.Warning;
        if (body.TryGetProperty("severity", out var sev) && sev.ValueKind != JsonValueKind.Null)
        {
            severity = sev.ValueKind == JsonValueKind.String ? sev.GetString()!.ToLowerInvariant() : "";
            if (!AlertSeverity.All.Contains(severity))
            {
                return (null, new FieldError("severity", "severity must be info, warning, error or critical."));
            }
        }
        string? metricName = null;
        if (body.TryGetProperty("metric_name", out var mn) && mn.ValueKind != JsonValueKind.Null)
        {
            if (mn.ValueKind != JsonValueKind.String || mn.GetString()!.Length is 0 or > 256)
            {
                return (null, new FieldError("metric_name", "metric_name must be a string of 1-256 characters."));
            }
            metricName = mn.GetString();
        }
        if (!TryNumber(body, "metric_value", out var value))
        {
            return (null, new FieldError("metric_value", "metric_value must be a number."));
        }
        if (!TryNumber(body, "threshold", out var threshold))
        {
            return (null, new FieldError("threshold", "threshold must be a number."));
        }
        string? metadata = null;
        if (body.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null)
        {
            if (md.ValueKind != JsonValueKind.Object)
            {
                return (null, new FieldError("metadata", "metadata must be a JSON object."));
            }
            metadata = md.GetRawText();
        }
        string? run = null;
        if (body.TryGetProperty("run", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.String || !RunNameRule.IsValid(r.GetString()!))
            {
                return (null, new FieldError("run", RunNameRule.Message("run")));
            }
            run = r.GetString();
        }
        return (new AlertEntity
        {
            Rule = AlertStore.ExternalPrefix + (metricName is null ? "" : ":" + metricName),
            Run = run, Severity = severity, State = AlertState.Firing, Message = message.GetString()!,
            Value = value, Threshold = threshold, StartedAt = now, UpdatedAt = now, Metadata = metadata,
        }, null);
    }

    private static bool TryNumber(JsonElement body, string name, out double? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
        {
            return false;
        }
        value = v.GetDouble();
        return true;
    }
}
