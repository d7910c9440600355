using Dashboard.Alerts;
using Dashboard.Components.Charts;
using Dashboard.Live;

namespace Dashboard.Runs;

/// <summary>
/// Which metric an alert watches, and the periods it fired as shaded bands for the run page's chart of that metric.
/// Alerts of rules without a charted metric (run_stalled, budgets, external alerts) get no band.
/// </summary>
public static class RunAlertBands
{
    private static readonly Dictionary<string, string> BuiltInMetric = new(StringComparer.Ordinal)
    {
        [BuiltInRules.LowSuccessRate] = MetricNames.SuccessRate,
        [BuiltInRules.HighErrorRate] = MetricNames.SuccessRate,
        [BuiltInRules.HighGenerationTime] = MetricNames.GenerationTime,
        [BuiltInRules.PromptTokens] = MetricNames.PromptTokens,
        [BuiltInRules.CompletionTokens] = MetricNames.CompletionTokens,
        [BuiltInRules.TotalTokens] = MetricNames.TotalTokens,
        [BuiltInRules.LongConversations] = "conversation_length",
        [BuiltInRules.ShortConversations] = "conversation_length",
        [BuiltInRules.PredictionTime] = MetricNames.PredictionProcessingTime,
        [BuiltInRules.PredictionConfidence] = MetricNames.PredictionConfidence,
        [BuiltInRules.PredictionErrorRate] = MetricNames.PredictionError,
    };

    /// <summary>The metric the alert's rule reads; custom rules by their configured metric. Null: nothing to shade.</summary>
    public static string? MetricOf(string rule, IReadOnlyList<CustomRule> customRules)
    {
        if (rule.StartsWith("custom:", StringComparison.Ordinal))
        {
            return customRules.FirstOrDefault(c => c.RuleKey == rule)?.Metric;
        }
        return BuiltInMetric.GetValueOrDefault(AlertGroups.Family(rule));
    }

    /// <summary>
    /// Firing periods per watched metric: from the alert's start to its resolution, or to <paramref name="now"/> while
    /// it still fires. Pending and never-fired alerts are not shaded.
    /// </summary>
    public static Dictionary<string, List<ChartBand>> ByMetric(IEnumerable<AlertChangedMessage> alerts,
        IReadOnlyList<CustomRule> customRules, DateTimeOffset now)
    {
        var bands = new Dictionary<string, List<ChartBand>>(StringComparer.Ordinal);
        foreach (var a in alerts.Where(a => a.State is AlertState.Firing or AlertState.Resolved))
        {
            if (MetricOf(a.Rule, customRules) is not { } metric)
            {
                continue;
            }
            var end = a.ResolvedAt ?? now;
            if (end < a.StartedAt)
            {
                continue;
            }
            if (!bands.TryGetValue(metric, out var list))
            {
                bands[metric] = list = [];
            }
            list.Add(new ChartBand(a.StartedAt.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), a.Rule));
        }
        return bands;
    }

    /// <summary>Bands are at least this share of the axis wide, so an alert that just fired can be seen at all.</summary>
    public const double MinWidthShare = 1.0 / 150;

    /// <summary>
    /// The bands of several metrics (a chart drawing more than one, e.g. tokens) on an axis spanning
    /// <paramref name="span"/>, in time order. A band narrower than <see cref="MinWidthShare"/> of the axis (an alert that
    /// just fired, on an hour-wide axis) is widened to it from its start. A band starting after the axis ends (range
    /// "all" ends at the run's last event; the rule fired at the next evaluation, over a window holding that data) is
    /// drawn at the axis' right edge at that width instead of not at all.
    /// </summary>
    public static IReadOnlyList<ChartBand> For(Dictionary<string, List<ChartBand>> byMetric, TimeSpanMs span, params string[] metrics)
    {
        var minWidth = (span.ToMs - span.FromMs) * MinWidthShare;
        return [.. metrics.SelectMany(m => byMetric.GetValueOrDefault(m) ?? []).OrderBy(b => b.FromMs)
            .Select(b => b.FromMs > span.ToMs ? b with { FromMs = span.ToMs - minWidth, ToMs = span.ToMs }
                : b.ToMs - b.FromMs >= minWidth ? b : b with { ToMs = b.FromMs + minWidth })];
    }
}
