using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Alerts;

/// <summary>
/// Reads the /settings forms into a copy of the settings. Inputs are named like the JSON document's fields
/// (rules.low_success_rate.threshold), so a failure names the same field in the form and in the API.
/// </summary>
public static class AlertSettingsForm
{
    public static void ApplyRules(IFormCollection form, AlertSettings s, List<FieldError> errors)
    {
        s.IntervalSeconds = Int(form, "interval_seconds", s.IntervalSeconds, errors);
        foreach (var rule in BuiltInRules.All)
        {
            var p = $"rules.{rule.Key}";
            var r = s.Rule(rule.Key);
            r.Enabled = form.ContainsKey($"{p}.enabled");
            r.Threshold = Number(form, $"{p}.threshold", r.Threshold, errors);
            if (rule.Critical is not null)
            {
                r.CriticalThreshold = OptionalNumber(form, $"{p}.critical_threshold", errors);
            }
            r.Severity = Text(form, $"{p}.severity") ?? r.Severity;
            r.WindowSeconds = Int(form, $"{p}.window_seconds", r.WindowSeconds, errors);
            r.ForSeconds = Int(form, $"{p}.for_seconds", r.ForSeconds, errors);
            s.Rules[rule.Key] = r;
        }
    }

    /// <summary>Adds the rule of the "new rule" form; its failures are named new_rule.*.</summary>
    public static void AddCustomRule(IFormCollection form, AlertSettings s, List<FieldError> errors)
    {
        s.CustomRules.Add(new CustomRule
        {
            Name = Text(form, "new_rule.name") ?? "",
            Metric = Text(form, "new_rule.metric") ?? "",
            Aggregate = Text(form, "new_rule.aggregate") ?? "",
            Comparison = Text(form, "new_rule.comparison") ?? "",
            Threshold = Number(form, "new_rule.threshold", double.NaN, errors),
            WindowSeconds = Int(form, "new_rule.window_seconds", 300, errors),
            ForSeconds = Int(form, "new_rule.for_seconds", 0, errors),
            Severity = Text(form, "new_rule.severity") ?? "",
            Scope = Text(form, "new_rule.scope") ?? "all",
            ScopeValue = Text(form, "new_rule.scope_value"),
        });
    }

    public static void SetBaseline(IFormCollection form, AlertSettings s, List<FieldError> errors)
    {
        var pipeline = Text(form, "new_baseline.pipeline") ?? "";
        var seconds = Number(form, "new_baseline.seconds", double.NaN, errors);
        var existing = s.Baselines.FindIndex(b => b.Pipeline == pipeline);
        if (existing >= 0)
        {
            s.Baselines[existing].Seconds = seconds;
        }
        else
        {
            s.Baselines.Add(new PipelineBaseline { Pipeline = pipeline, Seconds = seconds });
        }
    }

    public static void AddWebhook(IFormCollection form, AlertSettings s) =>
        s.Webhooks.Add(new WebhookTarget { Url = Text(form, "new_webhook.url") ?? "", Format = Text(form, "new_webhook.format") ?? "json" });

    /// <summary>Renames the validator's name for the item just added (custom_rules[3].x) to its form's (new_rule.x).</summary>
    public static List<FieldError> Rename(List<FieldError> errors, string from, string to) =>
        errors.Select(e => e.Field.StartsWith(from, StringComparison.Ordinal) ? e with { Field = to + e.Field[from.Length..] } : e).ToList();

    private static string? Text(IFormCollection form, string name)
    {
        var v = form[name].ToString().Trim();
        return v.Length == 0 ? null : v;
    }

    private static double Number(IFormCollection form, string name, double fallback, List<FieldError> errors)
    {
        var v = Text(form, name);
        if (v is null)
        {
            errors.Add(new(name, "A value is required."));
            return fallback;
        }
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            errors.Add(new(name, $"'{v}' is not a number."));
            return fallback;
        }
        return d;
    }

    private static double? OptionalNumber(IFormCollection form, string name, List<FieldError> errors) =>
        Text(form, name) is null ? null : Number(form, name, 0, errors);

    private static int Int(IFormCollection form, string name, int fallback, List<FieldError> errors)
    {
        var v = Text(form, name);
        if (v is null)
        {
            errors.Add(new(name, "A value is required."));
            return fallback;
        }
        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            errors.Add(new(name, $"'{v}' is not a whole number of seconds."));
            return fallback;
        }
        return i;
    }
}
