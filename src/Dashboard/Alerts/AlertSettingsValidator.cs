namespace Dashboard.Alerts;

/// <summary>Checks a whole settings document and returns every failure at once; nothing is saved unless it is empty.</summary>
public static class AlertSettingsValidator
{
    public const int MaxIntervalSeconds = 86_400;
    public const int MaxWindowSeconds = 7 * 86_400;
    public const int MaxMinSamples = 1_000_000;

    public static readonly string[] Aggregates = ["mean", "min", "max", "p50", "p90", "p95", "p99", "count", "rate"];
    public static readonly string[] Comparisons = ["above", "below"];
    public static readonly string[] Scopes = ["all", "project", "run"];
    public static readonly string[] WebhookFormats = [.. Dashboard.Alerts.WebhookFormats.All.Select(f => f.Name), AlertmanagerPayload.Format];

    private static readonly HashSet<string> FractionRules =
    [
        BuiltInRules.LowSuccessRate, BuiltInRules.HighErrorRate, BuiltInRules.PredictionConfidence,
        BuiltInRules.PredictionErrorRate, BuiltInRules.PredictionAnomaly, BuiltInRules.PipelineErrorRate,
    ];

    public static List<FieldError> Validate(AlertSettings s)
    {
        var errors = new List<FieldError>();
        if (s.IntervalSeconds < 1 || s.IntervalSeconds > MaxIntervalSeconds)
        {
            errors.Add(new("interval_seconds", $"interval_seconds must be between 1 and {MaxIntervalSeconds}."));
        }
        foreach (var (key, rule) in s.Rules ?? [])
        {
            ValidateRule(key, rule, errors);
        }
        if (s.Rules is not null
            && s.Rules.TryGetValue(BuiltInRules.ShortConversations, out var min)
            && s.Rules.TryGetValue(BuiltInRules.LongConversations, out var max)
            && min.Enabled && max.Enabled && min.Threshold > max.Threshold)
        {
            errors.Add(new($"rules.{BuiltInRules.ShortConversations}.threshold",
                $"The minimum conversation length ({min.Threshold}) is above the maximum ({max.Threshold})."));
        }
        ValidateNotifications(s.Notifications, errors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (s.CustomRules?.Count ?? 0); i++)
        {
            ValidateCustom($"custom_rules[{i}]", s.CustomRules![i], names, errors);
        }
        var pipelines = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (s.Baselines?.Count ?? 0); i++)
        {
            var b = s.Baselines![i];
            if (string.IsNullOrWhiteSpace(b.Pipeline) || b.Pipeline.Length > 128)
            {
                errors.Add(new($"baselines[{i}].pipeline", "pipeline must be 1-128 characters."));
            }
            else if (!pipelines.Add(b.Pipeline))
            {
                errors.Add(new($"baselines[{i}].pipeline", $"The pipeline '{b.Pipeline}' already has a baseline."));
            }
            if (!double.IsFinite(b.Seconds) || b.Seconds <= 0)
            {
                errors.Add(new($"baselines[{i}].seconds", "seconds must be a number above 0."));
            }
        }
        for (var i = 0; i < (s.Webhooks?.Count ?? 0); i++)
        {
            var w = s.Webhooks![i];
            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(new($"webhooks[{i}].url", "url must be an absolute http or https address."));
            }
            if (!WebhookFormats.Contains(w.Format))
            {
                errors.Add(new($"webhooks[{i}].format", $"format must be one of {string.Join(", ", WebhookFormats)}."));
            }
        }
        return errors;
    }

    private static void ValidateRule(string key, RuleSetting? rule, List<FieldError> errors)
    {
        var field = $"rules.{key}";
        if (!BuiltInRules.Exists(key))
        {
            errors.Add(new(field, $"There is no built-in rule '{key}'."));
            return;
        }
        if (rule is null)
        {
            errors.Add(new(field, "The rule's settings are missing."));
            return;
        }
        var info = BuiltInRules.Get(key);
        if (!double.IsFinite(rule.Threshold) || rule.Threshold < 0)
        {
            errors.Add(new($"{field}.threshold", "threshold must be a number, 0 or more."));
        }
        else if (FractionRules.Contains(key) && rule.Threshold > 1)
        {
            errors.Add(new($"{field}.threshold", "threshold is a share and must be between 0 and 1."));
        }
        if (rule.CriticalThreshold is { } critical)
        {
            if (info.Critical is null)
            {
                errors.Add(new($"{field}.critical_threshold", "This rule has no critical threshold."));
            }
            else if (!double.IsFinite(critical) || critical < 0)
            {
                errors.Add(new($"{field}.critical_threshold", "critical_threshold must be a number, 0 or more."));
            }
            else if (info.Above ? critical < rule.Threshold : critical > rule.Threshold)
            {
                errors.Add(new($"{field}.critical_threshold", info.Above
                    ? "critical_threshold must not be below the warning threshold."
                    : "critical_threshold must not be above the warning threshold."));
            }
        }
        ValidateCommon(field, rule.WindowSeconds, rule.ForSeconds, rule.Severity, errors);
        ValidateLifecycle(field, rule.KeepFiringForSeconds, rule.MinSamples, errors);
    }

    private static void ValidateCustom(string field, CustomRule? rule, HashSet<string> names, List<FieldError> errors)
    {
        if (rule is null)
        {
            errors.Add(new(field, "The rule is missing."));
            return;
        }
        if (string.IsNullOrEmpty(rule.Name) || !RunNameRule.IsValid(rule.Name))
        {
            errors.Add(new($"{field}.name", RunNameRule.Message("name")));
        }
        else if (!names.Add(rule.Name))
        {
            errors.Add(new($"{field}.name", $"A custom rule named '{rule.Name}' already exists."));
        }
        if (string.IsNullOrWhiteSpace(rule.Metric) || rule.Metric.Length > 256)
        {
            errors.Add(new($"{field}.metric", "metric must be 1-256 characters."));
        }
        if (!Aggregates.Contains(rule.Aggregate))
        {
            errors.Add(new($"{field}.aggregate", $"Unknown aggregate '{rule.Aggregate}'; use one of {string.Join(", ", Aggregates)}."));
        }
        if (!Comparisons.Contains(rule.Comparison))
        {
            errors.Add(new($"{field}.comparison", "comparison must be above or below."));
        }
        if (!double.IsFinite(rule.Threshold))
        {
            errors.Add(new($"{field}.threshold", "threshold must be a number."));
        }
        if (!Scopes.Contains(rule.Scope))
        {
            errors.Add(new($"{field}.scope", "scope must be all, project or run."));
        }
        else if (rule.Scope != "all" && string.IsNullOrWhiteSpace(rule.ScopeValue))
        {
            errors.Add(new($"{field}.scope_value", $"scope_value must name the {rule.Scope}."));
        }
        ValidateCommon(field, rule.WindowSeconds, rule.ForSeconds, rule.Severity, errors);
        ValidateLifecycle(field, rule.KeepFiringForSeconds, rule.MinSamples, errors);
    }

    private static void ValidateLifecycle(string field, int keepFiringFor, int? minSamples, List<FieldError> errors)
    {
        if (keepFiringFor < 0 || keepFiringFor > MaxWindowSeconds)
        {
            errors.Add(new($"{field}.keep_firing_for_seconds", $"keep_firing_for_seconds must be between 0 and {MaxWindowSeconds}."));
        }
        if (minSamples is < 0 or > MaxMinSamples)
        {
            errors.Add(new($"{field}.min_samples", $"min_samples must be between 0 and {MaxMinSamples}."));
        }
    }

    private static void ValidateNotifications(NotificationSettings? n, List<FieldError> errors)
    {
        if (n is null)
        {
            return;
        }
        if (n.GroupWaitSeconds is < 0 or > MaxIntervalSeconds)
        {
            errors.Add(new("notifications.group_wait_seconds", $"group_wait_seconds must be between 0 and {MaxIntervalSeconds}."));
        }
        if (n.GroupIntervalSeconds is < 0 or > MaxIntervalSeconds)
        {
            errors.Add(new("notifications.group_interval_seconds", $"group_interval_seconds must be between 0 and {MaxIntervalSeconds}."));
        }
        if (n.RepeatIntervalSeconds is < 1 or > MaxWindowSeconds)
        {
            errors.Add(new("notifications.repeat_interval_seconds", $"repeat_interval_seconds must be between 1 and {MaxWindowSeconds}."));
        }
    }

    private static void ValidateCommon(string field, int window, int forSeconds, string severity, List<FieldError> errors)
    {
        if (window < 1 || window > MaxWindowSeconds)
        {
            errors.Add(new($"{field}.window_seconds", $"window_seconds must be between 1 and {MaxWindowSeconds}."));
        }
        if (forSeconds < 0 || forSeconds > MaxWindowSeconds)
        {
            errors.Add(new($"{field}.for_seconds", $"for_seconds must be between 0 and {MaxWindowSeconds}."));
        }
        if (!AlertSeverity.All.Contains(severity))
        {
            errors.Add(new($"{field}.severity", "severity must be info, warning, error or critical."));
        }
    }
}
