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

    public static AlertSettings CreateDefault(int intervalSeconds) => new()
    {
        IntervalSeconds = intervalSeconds,
        Rules = BuiltInRules.All.ToDictionary(r => r.Key, r => r.DefaultSetting()),
    };

    /// <summary>Adds defaults for built-in rules a stored document lacks (a newer version may add rules).</summary>
    public AlertSettings WithMissingDefaults()
    {
        foreach (var rule in BuiltInRules.All)
        {
            Rules.TryAdd(rule.Key, rule.DefaultSetting());
        }
        return this;
    }

    public RuleSetting Rule(string key) => Rules.TryGetValue(key, out var r) ? r : BuiltInRules.Get(key).DefaultSetting();
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
