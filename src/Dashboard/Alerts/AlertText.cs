using System.Globalization;
using Dashboard.Alerts.Settings;
using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>How an alert reads on the pages: the value in its rule's unit (percent for shares), how long it has lasted, firing first.</summary>
public static class AlertText
{
    /// <summary>A built-in rule's family ("pipeline_error_rate:etl" -> "pipeline_error_rate"), or null for custom and external rules.</summary>
    public static BuiltInRule? RuleOf(string rule)
    {
        var family = rule.Split(':', 2)[0];
        return BuiltInRules.Exists(rule) ? BuiltInRules.Get(rule) : BuiltInRules.Exists(family) ? BuiltInRules.Get(family) : null;
    }

    /// <summary>0.263 -> "26.3%" for a share rule, 41.2 -> "41.2 s" for a time rule, a plain number otherwise.</summary>
    public static string Value(string rule, double? value)
    {
        if (value is not { } v)
        {
            return "";
        }
        var unit = RuleOf(rule) is { } r ? RuleUnit.Of(r) : RuleUnit.None;
        if (unit.IsPercent)
        {
            return (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        }
        var text = v.ToString(Math.Abs(v) >= 100 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
        return unit.Suffix.Length == 0 ? text : $"{text} {unit.Suffix}";
    }

    /// <summary>Firing first, then pending, then resolved; newest first within each.</summary>
    public static int StateOrder(string state) => state switch
    {
        AlertState.Firing => 0,
        AlertState.Pending => 1,
        _ => 2,
    };

    public static TimeSpan Duration(AlertChangedMessage a, DateTimeOffset now) => (a.ResolvedAt ?? now) - a.StartedAt;

    /// <summary>"45s", "12m", "3h 5m", "2d 4h".</summary>
    public static string DurationText(TimeSpan d) => d switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, (int)d.TotalSeconds)}s",
        { TotalHours: < 1 } => $"{(int)d.TotalMinutes}m",
        { TotalDays: < 1 } => $"{(int)d.TotalHours}h {d.Minutes}m",
        _ => $"{(int)d.TotalDays}d {d.Hours}h",
    };
}
