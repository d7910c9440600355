using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>Which alerts belong together in one notification, and how a rule key names its rule.</summary>
public static class AlertGroups
{
    /// <summary>low_success_rate and high_error_rate both read a run's failure share: they notify as one.</summary>
    public const string FailureShare = "failure_share";

    /// <summary>Rules whose value is a share (0-1): pages show them as percent.</summary>
    public static readonly IReadOnlySet<string> ShareRules = new HashSet<string>(StringComparer.Ordinal)
    {
        BuiltInRules.LowSuccessRate, BuiltInRules.HighErrorRate, BuiltInRules.PredictionConfidence,
        BuiltInRules.PredictionErrorRate, BuiltInRules.PredictionAnomaly, BuiltInRules.PipelineErrorRate,
        BuiltInRules.PipelinePerformance,
    };

    /// <summary>The configured rule behind an alert's rule key: "pipeline_error_rate:etl" is pipeline_error_rate.</summary>
    public static string Family(string rule)
    {
        if (rule.StartsWith("custom:", StringComparison.Ordinal) || rule.StartsWith(AlertStore.ExternalPrefix, StringComparison.Ordinal))
        {
            return rule;
        }
        var colon = rule.IndexOf(':');
        // high_token_usage:prompt is a rule of its own; only pipeline rules carry their pipeline after the colon.
        return colon > 0 && BuiltInRules.Exists(rule[..colon]) ? rule[..colon] : rule;
    }

    public static bool IsShare(string rule) => ShareRules.Contains(Family(rule));

    /// <summary>The notification group of an alert: per run, the failure-share pair shares one.</summary>
    public static string KeyOf(AlertChangedMessage alert)
    {
        var family = alert.Rule is BuiltInRules.LowSuccessRate or BuiltInRules.HighErrorRate ? FailureShare : alert.Rule;
        return alert.Run is null ? family : family + "|" + alert.Run;
    }

    /// <summary>Order inside a group: low_success_rate leads its pair, so a body reads "success rate ... (failure share ...)".</summary>
    public static int Order(string rule) => rule switch
    {
        BuiltInRules.LowSuccessRate => 0,
        BuiltInRules.HighErrorRate => 1,
        _ => 2,
    };
}
