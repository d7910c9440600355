using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>POST /api/v1/silences: checks every field and names the first one at fault.</summary>
public static class SilenceRequest
{
    public const int MaxReason = 1000;
    public const int MaxText = 256;

    public static (SilenceEntity? Silence, FieldError? Error) Parse(JsonElement body, long now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, new("body", "The body must be a JSON object."));
        }
        if (!OptionalText(body, "rule", MaxText, out var rule))
        {
            return (null, new("rule", $"rule must be a string of 1-{MaxText} characters (a rule key such as low_success_rate)."));
        }
        if (!OptionalText(body, "run", MaxText, out var run))
        {
            return (null, new("run", $"run must be a string of 1-{MaxText} characters."));
        }
        Dictionary<string, string>? labels = null;
        if (body.TryGetProperty("labels", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (l.ValueKind != JsonValueKind.Object)
            {
                return (null, new("labels", "labels must be a JSON object of label name to value."));
            }
            labels = [];
            foreach (var p in l.EnumerateObject())
            {
                if (!Silence.LabelNames.Contains(p.Name))
                {
                    return (null, new($"labels.{p.Name}", $"Alerts have the labels {string.Join(", ", Silence.LabelNames)}; '{p.Name}' is none of them."));
                }
                if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length is 0 or > MaxText)
                {
                    return (null, new($"labels.{p.Name}", $"labels.{p.Name} must be a string of 1-{MaxText} characters."));
                }
                labels[p.Name] = p.Value.GetString()!;
            }
            labels = labels.Count == 0 ? null : labels;
        }
        if (rule is null && run is null && labels is null)
        {
            return (null, new("rule", "A silence needs at least one of rule, run or labels; it would otherwise silence everything."));
        }
        if (!body.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(reason.GetString()) || reason.GetString()!.Length > MaxReason)
        {
            return (null, new("reason", $"reason must be a string of 1-{MaxReason} characters: say why the alerts are silenced."));
        }
        if (!OptionalText(body, "created_by", MaxText, out var createdBy))
        {
            return (null, new("created_by", $"created_by must be a string of 1-{MaxText} characters."));
        }
        var startsAt = now;
        if (body.TryGetProperty("starts_at", out var s) && s.ValueKind != JsonValueKind.Null
            && (s.ValueKind != JsonValueKind.String || !Timestamps.TryParseIso(s.GetString()!, out startsAt)))
        {
            return (null, new("starts_at", "starts_at must be an ISO-8601 time such as 2026-12-01T08:00:00Z."));
        }
        var hasEnd = body.TryGetProperty("ends_at", out var e) && e.ValueKind != JsonValueKind.Null;
        var hasDuration = body.TryGetProperty("duration", out var d) && d.ValueKind != JsonValueKind.Null;
        long endsAt;
        if (hasEnd == hasDuration)
        {
            return (null, new("ends_at", "Give either ends_at (an ISO-8601 time) or duration (such as 30m, 2h, 1d), not both."));
        }
        if (hasEnd)
        {
            if (e.ValueKind != JsonValueKind.String || !Timestamps.TryParseIso(e.GetString()!, out endsAt))
            {
                return (null, new("ends_at", "ends_at must be an ISO-8601 time such as 2026-12-01T08:00:00Z."));
            }
        }
        else
        {
            if (d.ValueKind != JsonValueKind.String || !TimeWindow.TryParse(d.GetString(), "", out var window) || window.Span is not { } span)
            {
                return (null, new("duration", "duration must be a number and a unit: 30s, 15m, 2h or 7d."));
            }
            endsAt = startsAt + (long)span.TotalMicroseconds;
        }
        if (endsAt <= startsAt)
        {
            return (null, new("ends_at", "ends_at must be after starts_at."));
        }
        if (endsAt <= now)
        {
            return (null, new("ends_at", "ends_at is in the past: the silence would never apply."));
        }
        return (new SilenceEntity
        {
            Rule = rule, Run = run, Labels = labels is null ? null : JsonSerializer.Serialize(labels),
            StartsAt = startsAt, EndsAt = endsAt, Reason = reason.GetString()!.Trim(), CreatedBy = createdBy, CreatedAt = now,
        }, null);
    }

    private static bool OptionalText(JsonElement body, string name, int max, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length is 0 || v.GetString()!.Length > max)
        {
            return false;
        }
        value = v.GetString();
        return true;
    }
}
