namespace Dashboard.Alerts;

/// <summary>
/// The runtime alert settings (edited on /settings and through PUT /api/v1/settings/alerts), stored
/// as one JSON document in the database. <see cref="AlertsOptions"/> only seeds the first version.
/// </summary>
public sealed class AlertSettings
{
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Built-in rules by key (see <see cref="BuiltInRules"/>).</summary>
    public Dictionary<string, RuleSetting> Rules { get; set; } = [];

    public List<CustomRule> CustomRules { get; set; } = [];

    public List<PipelineBaseline> Baselines { get; set; } = [];

    public List<WebhookTarget> Webhooks { get; set; } = [];

    /// <summary>How fire/resolve notifications are grouped and paced per target (Alertmanager's meaning).</summary>
    public NotificationSettings Notifications { get; set; } = new();

    public static AlertSettings CreateDefault(int intervalSeconds) => new()
    {
        IntervalSeconds = intervalSeconds,
        Rules = BuiltInRules.All.ToDictionary(r => r.Key, r => r.DefaultSetting()),
    };

    /// <summary>Adds defaults for built-in rules a stored document lacks (a newer version may add rules).</summary>
    public AlertSettings WithMissingDefaults()
    {
        Notifications ??= new();
        foreach (var rule in BuiltInRules.All)
        {
            if (!Rules.TryAdd(rule.Key, rule.DefaultSetting()) && Rules[rule.Key] is { MinSamples: null } stored)
            {
                // A document saved before min_samples existed takes the rule's own default.
                stored.MinSamples = rule.MinSamples;
            }
        }
        return this;
    }

    public RuleSetting Rule(string key) => Rules.TryGetValue(key, out var r) ? r : BuiltInRules.Get(key).DefaultSetting();

    /// <summary>
    /// keep_firing_for of the rule that raised an alert (pipeline rules carry ":pipeline", custom ones "custom:");
    /// 0 for alerts of no configured rule (external, or a rule deleted since).
    /// </summary>
    public int KeepFiringForSeconds(string alertRule)
    {
        if (alertRule.StartsWith("custom:", StringComparison.Ordinal))
        {
            return CustomRules.FirstOrDefault(c => c.RuleKey == alertRule)?.KeepFiringForSeconds ?? 0;
        }
        var family = AlertGroups.Family(alertRule);
        return BuiltInRules.Exists(family) ? Rule(family).KeepFiringForSeconds : 0;
    }
}

public sealed class RuleSetting
{
    public bool Enabled { get; set; } = true;

    /// <summary>The warning (or the rule's own severity) threshold; the comparison is strict.</summary>
    public double Threshold { get; set; }

    /// <summary>A second, stricter threshold that raises the severity to critical; null when the rule has none.</summary>
    public double? CriticalThreshold { get; set; }

    public string Severity { get; set; } = AlertSeverity.Warning;

    public int WindowSeconds { get; set; } = 300;

    public int ForSeconds { get; set; }

    /// <summary>A firing alert whose condition cleared stays firing this long, so a flapping condition is one alert.</summary>
    public int KeepFiringForSeconds { get; set; } = RuleDefaults.KeepFiringForSeconds;

    /// <summary>Samples the window must hold before the rule looks at a run; null in a stored document means the rule's default.</summary>
    public int? MinSamples { get; set; }
}

/// <summary>Defaults every rule shares unless its own differ (README "Alert lifecycle").</summary>
public static class RuleDefaults
{
    /// <summary>Fewer generations (or predictions) than this say nothing about a rate: a 4-generation run with one failure is not an alert.</summary>
    public const int MinSamples = 20;

    public const int KeepFiringForSeconds = 120;
}

public sealed class CustomRule
{
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string Metric { get; set; } = "";
    public string Aggregate { get; set; } = "mean";
    public string Comparison { get; set; } = "above";
    public double Threshold { get; set; }
    public int WindowSeconds { get; set; } = 300;
    public int ForSeconds { get; set; }
    public string Severity { get; set; } = AlertSeverity.Warning;

    public int KeepFiringForSeconds { get; set; } = RuleDefaults.KeepFiringForSeconds;

    public int MinSamples { get; set; } = RuleDefaults.MinSamples;

    /// <summary>all, project or run.</summary>
    public string Scope { get; set; } = "all";

    /// <summary>The project or run name when <see cref="Scope"/> is project or run.</summary>
    public string? ScopeValue { get; set; }

    public string RuleKey => "custom:" + Name;
}

public sealed class PipelineBaseline
{
    public string Pipeline { get; set; } = "";

    /// <summary>Expected execution time in seconds; an execution more than 20% over it raises a warning.</summary>
    public double Seconds { get; set; }
}

public sealed class WebhookTarget
{
    public string Url { get; set; } = "";

    /// <summary>json (the alert's fields) or slack ({"text": ...}).</summary>
    public string Format { get; set; } = "json";

    public bool Enabled { get; set; } = true;
}

/// <summary>Alertmanager's grouping timers, applied to json and slack webhook targets.</summary>
public sealed class NotificationSettings
{
    /// <summary>A new group waits this long for its other alerts before its first notification.</summary>
    public int GroupWaitSeconds { get; set; } = 10;

    /// <summary>Changes to a group already notified are sent at most this often.</summary>
    public int GroupIntervalSeconds { get; set; } = 60;

    /// <summary>A group still firing, unchanged and not acknowledged, is sent again after this long.</summary>
    public int RepeatIntervalSeconds { get; set; } = 4 * 3600;
}

public static class AlertSeverity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
    public const string Critical = "critical";

    public static readonly string[] All = [Info, Warning, Error, Critical];
}

public static class AlertState
{
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>Sent (never stored) when a pending alert's condition cleared before it fired.</summary>
    public const string Inactive = "inactive";

    public static readonly string[] Stored = [Pending, Firing, Resolved];
}
