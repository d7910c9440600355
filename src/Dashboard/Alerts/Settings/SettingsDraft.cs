namespace Dashboard.Alerts.Settings;

/// <summary>
/// The settings page's editable copy: every field as the person typed it ("80" %, "5m"), keyed by the document's
/// field name (rules.low_success_rate.threshold), turned back into a settings document on save. Parse failures and
/// the validator's findings come back in words, per field, so the page shows each next to its input.
/// </summary>
public sealed class SettingsDraft
{
    private readonly AlertSettings _stored;

    public SettingsDraft(AlertSettings stored)
    {
        _stored = stored;
        Texts["interval_seconds"] = DurationText.Format(stored.IntervalSeconds);
        foreach (var rule in BuiltInRules.All)
        {
            var r = stored.Rule(rule.Key);
            var unit = RuleUnit.Of(rule);
            var p = $"rules.{rule.Key}";
            Enabled[rule.Key] = r.Enabled;
            Texts[$"{p}.threshold"] = unit.Show(r.Threshold);
            Texts[$"{p}.critical_threshold"] = unit.Show(r.CriticalThreshold);
            Texts[$"{p}.severity"] = r.Severity;
            Texts[$"{p}.window_seconds"] = DurationText.Format(r.WindowSeconds);
            Texts[$"{p}.for_seconds"] = DurationText.Format(r.ForSeconds);
        }
    }

    public Dictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, bool> Enabled { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string Text(string field) => Texts.GetValueOrDefault(field, "");

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    /// <summary>The interval and built-in rules as a new document (custom rules, baselines and webhooks kept), or null with <see cref="Errors"/> filled.</summary>
    public AlertSettings? BuildRules()
    {
        Errors.Clear();
        var s = AlertSettingsStore.Clone(_stored);
        if (ReadDuration("interval_seconds") is { } interval)
        {
            s.IntervalSeconds = interval;
        }
        foreach (var rule in BuiltInRules.All)
        {
            var p = $"rules.{rule.Key}";
            var r = s.Rule(rule.Key);
            var unit = RuleUnit.Of(rule);
            r.Enabled = Enabled.GetValueOrDefault(rule.Key, r.Enabled);
            if (Read(unit, $"{p}.threshold") is { } t)
            {
                r.Threshold = t;
            }
            if (rule.Critical is not null)
            {
                r.CriticalThreshold = Text($"{p}.critical_threshold").Trim().Length == 0 ? null : Read(unit, $"{p}.critical_threshold") ?? r.CriticalThreshold;
            }
            r.Severity = Text($"{p}.severity") is { Length: > 0 } sev ? sev : r.Severity;
            if (ReadDuration($"{p}.window_seconds") is { } w)
            {
                r.WindowSeconds = w;
            }
            if (ReadDuration($"{p}.for_seconds") is { } f)
            {
                r.ForSeconds = f;
            }
            s.Rules[rule.Key] = r;
        }
        return Validated(s);
    }

    /// <summary>Checks a whole document; the validator's failures land on their fields in words (parse failures already there win).</summary>
    public AlertSettings? Validated(AlertSettings s)
    {
        foreach (var e in AlertSettingsValidator.Validate(s))
        {
            Errors.TryAdd(e.Field, SettingsFieldText.Message(e));
        }
        return Errors.Count == 0 ? s : null;
    }

    /// <summary>Failures the store reported at save time (it validates again), keyed like the form.</summary>
    public void AddErrors(IEnumerable<FieldError> errors, string? renameFrom = null, string? renameTo = null)
    {
        foreach (var e in errors)
        {
            var field = renameFrom is not null && e.Field.StartsWith(renameFrom, StringComparison.Ordinal) ? renameTo + e.Field[renameFrom.Length..] : e.Field;
            Errors.TryAdd(field, SettingsFieldText.Message(e));
        }
    }

    /// <summary>The stored document plus the "new rule" form's rule; failures are named new_rule.* like the form's fields.</summary>
    public AlertSettings? BuildWithNewCustomRule()
    {
        Errors.Clear();
        var s = AlertSettingsStore.Clone(_stored);
        var rule = NewCustomRule();
        s.CustomRules.Add(rule);
        return ValidatedRenamed(s, $"custom_rules[{s.CustomRules.Count - 1}].", "new_rule.");
    }

    /// <summary>The "new rule" form as a rule (unparsable numbers become NaN / defaults, which the validator names).</summary>
    public CustomRule NewCustomRule() => new()
    {
        Name = Text("new_rule.name").Trim(),
        Metric = Text("new_rule.metric").Trim(),
        Aggregate = Text("new_rule.aggregate") is { Length: > 0 } a ? a : "mean",
        Comparison = Text("new_rule.comparison") is { Length: > 0 } c ? c : "above",
        Threshold = Read(RuleUnit.None, "new_rule.threshold") ?? double.NaN,
        WindowSeconds = Text("new_rule.window_seconds").Trim().Length == 0 ? 300 : ReadDuration("new_rule.window_seconds") ?? 300,
        ForSeconds = Text("new_rule.for_seconds").Trim().Length == 0 ? 0 : ReadDuration("new_rule.for_seconds") ?? 0,
        Severity = Text("new_rule.severity") is { Length: > 0 } sev ? sev : AlertSeverity.Warning,
        Scope = Text("new_rule.scope") is { Length: > 0 } sc ? sc : "all",
        ScopeValue = Text("new_rule.scope_value").Trim() is { Length: > 0 } v ? v : null,
    };

    public AlertSettings? BuildWithBaseline()
    {
        Errors.Clear();
        var s = AlertSettingsStore.Clone(_stored);
        var pipeline = Text("new_baseline.pipeline").Trim();
        var seconds = Read(RuleUnit.Seconds, "new_baseline.seconds") ?? double.NaN;
        var i = s.Baselines.FindIndex(b => b.Pipeline == pipeline);
        if (i < 0)
        {
            s.Baselines.Add(new PipelineBaseline { Pipeline = pipeline, Seconds = seconds });
            i = s.Baselines.Count - 1;
        }
        else
        {
            s.Baselines[i].Seconds = seconds;
        }
        return ValidatedRenamed(s, $"baselines[{i}].", "new_baseline.");
    }

    public AlertSettings? BuildWithWebhook()
    {
        Errors.Clear();
        var s = AlertSettingsStore.Clone(_stored);
        s.Webhooks.Add(new WebhookTarget { Url = Text("new_webhook.url").Trim(), Format = Text("new_webhook.format") is { Length: > 0 } f ? f : "json" });
        return ValidatedRenamed(s, $"webhooks[{s.Webhooks.Count - 1}].", "new_webhook.");
    }

    /// <summary>The stored document with one list item removed (deletes need no form).</summary>
    public AlertSettings Without(Action<AlertSettings> remove)
    {
        var s = AlertSettingsStore.Clone(_stored);
        remove(s);
        return s;
    }

    private AlertSettings? ValidatedRenamed(AlertSettings s, string from, string to)
    {
        AddErrors(AlertSettingsValidator.Validate(s), from, to);
        return Errors.Count == 0 ? s : null;
    }

    public double? Read(RuleUnit unit, string field)
    {
        if (unit.TryRead(Text(field), out var v, out var error))
        {
            return v;
        }
        Errors[field] = error!;
        return null;
    }

    public int? ReadDuration(string field)
    {
        if (DurationText.TryParse(Text(field), out var seconds, out var error))
        {
            return seconds;
        }
        Errors[field] = error!;
        return null;
    }
}
