using System.Text.RegularExpressions;

namespace Dashboard.Alerts.Settings;

/// <summary>
/// Names a settings field in words for the page ("High generation time: window") instead of its document key
/// (rules.high_generation_time.window_seconds), and rewrites the validator's key-named messages into sentences
/// with the page's units (durations like 5m, shares in percent).
/// </summary>
public static partial class SettingsFieldText
{
    [GeneratedRegex(@"^(?:rules\.(?<rule>[^.]+)|custom_rules\[(?<i>\d+)\]|new_rule|baselines\[\d+\]|new_baseline|webhooks\[\d+\]|new_webhook)(?:\.(?<part>.+))?$")]
    private static partial Regex FieldPattern();

    private static readonly Dictionary<string, string> Parts = new(StringComparer.Ordinal)
    {
        ["threshold"] = "threshold",
        ["critical_threshold"] = "critical threshold",
        ["window_seconds"] = "window",
        ["for_seconds"] = "pending for",
        ["keep_firing_for_seconds"] = "keep firing for",
        ["min_samples"] = "minimum samples",
        ["severity"] = "severity",
        ["enabled"] = "on/off",
        ["name"] = "name",
        ["metric"] = "metric",
        ["aggregate"] = "aggregate",
        ["comparison"] = "comparison",
        ["scope"] = "scope",
        ["scope_value"] = "project or run",
        ["pipeline"] = "pipeline",
        ["seconds"] = "baseline",
        ["url"] = "URL",
        ["format"] = "format",
    };

    /// <summary>"rules.high_generation_time.window_seconds" -> "High generation time: window".</summary>
    public static string Label(string field)
    {
        if (field == "interval_seconds")
        {
            return "Evaluation interval";
        }
        var m = FieldPattern().Match(field);
        if (!m.Success)
        {
            return field;
        }
        var owner = m.Groups["rule"].Success
            ? BuiltInRules.Exists(m.Groups["rule"].Value) ? BuiltInRules.Get(m.Groups["rule"].Value).Label : m.Groups["rule"].Value
            : field.StartsWith("custom_rules", StringComparison.Ordinal) || field.StartsWith("new_rule", StringComparison.Ordinal) ? "Custom rule"
            : field.Contains("baseline", StringComparison.Ordinal) ? "Pipeline baseline"
            : "Webhook";
        var part = m.Groups["part"].Success ? Parts.GetValueOrDefault(m.Groups["part"].Value, m.Groups["part"].Value) : null;
        return part is null ? owner : $"{owner}: {part}";
    }

    /// <summary>The validator's message in words, with durations and shares as the page writes them.</summary>
    public static string Message(FieldError error)
    {
        var part = error.Field.Contains('.', StringComparison.Ordinal) ? error.Field[(error.Field.LastIndexOf('.') + 1)..] : error.Field;
        return part switch
        {
            "interval_seconds" when error.Message.Contains("between", StringComparison.Ordinal) =>
                $"The interval must be between 1s and {DurationText.Format(AlertSettingsValidator.MaxIntervalSeconds)}.",
            "window_seconds" when error.Message.Contains("between", StringComparison.Ordinal) =>
                $"The window must be between 1s and {DurationText.Format(AlertSettingsValidator.MaxWindowSeconds)}.",
            "for_seconds" when error.Message.Contains("between", StringComparison.Ordinal) =>
                $"The pending time must be between 0s and {DurationText.Format(AlertSettingsValidator.MaxWindowSeconds)}.",
            "threshold" when error.Message.Contains("share", StringComparison.Ordinal) => "A share is between 0 % and 100 %.",
            _ => Sentence(error.Message),
        };
    }

    // Validator messages start with the key ("metric must be 1-256 characters."): name the thing instead.
    private static string Sentence(string message)
    {
        foreach (var (key, words) in Parts.OrderByDescending(p => p.Key.Length))
        {
            if (message.StartsWith(key + " ", StringComparison.Ordinal))
            {
                return "The " + words + message[key.Length..];
            }
        }
        return message;
    }
}
