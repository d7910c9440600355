using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>
/// Collects the conditions that hold at one evaluation: one grouped read per distinct window for every mean-based rule,
/// and one read per prediction label, pipeline and custom rule (<see cref="IAlertConditionReader"/>); the rules' math is
/// <see cref="RuleConditions"/>.
/// </summary>
public sealed class AlertQueries(IAlertConditionReader reader)
{
    internal static readonly string[] WindowMetrics =
    [
        "success_rate", "generation_time", "prompt_token_count", "completion_token_count", "total_token_count",
        "conversation_length", "prediction_processing_time", "prediction_confidence", "prediction_error",
    ];

    public List<AlertCondition> Collect(AlertSettings settings, long nowMicros)
    {
        using var c = reader.Open();
        var metrics = c.GetMetricIds();
        var runs = c.GetRuns();
        var conditions = new List<AlertCondition>();
        var windows = settings.Rules
            .Where(r => r.Value.Enabled && BuiltInRules.Exists(r.Key) && BuiltInRules.Get(r.Key).Group is not ("Pipeline" or "Liveness" or "Budget"))
            .GroupBy(r => r.Value.WindowSeconds);
        foreach (var group in windows)
        {
            var from = nowMicros - group.Key * 1_000_000L;
            var aggregates = WindowAggregates(c, metrics, settings, from, nowMicros);
            var labels = group.Any(r => r.Key == BuiltInRules.PredictionAnomaly) && metrics.TryGetValue("prediction_confidence", out var conf)
                ? c.GetTopLabelShares(conf, from, nowMicros)
                : [];
            foreach (var (runId, byMetric) in aggregates)
            {
                if (!runs.TryGetValue(runId, out var run))
                {
                    continue;
                }
                foreach (var (key, rule) in group)
                {
                    if (RuleConditions.Evaluate(key, rule, run.Name, byMetric, (labels.TryGetValue(runId, out var share) ? share : null)) is { } condition)
                    {
                        conditions.Add(condition);
                    }
                }
            }
        }
        PipelineConditions(c, metrics, runs, settings, nowMicros, conditions);
        foreach (var custom in settings.CustomRules.Where(r => r.Enabled))
        {
            CustomConditions(c, metrics, custom, nowMicros, conditions);
        }
        StalledConditions(c, settings.Rule(BuiltInRules.RunStalled), nowMicros, conditions);
        return conditions;
    }

    /// <summary>Runs that carry a goal (run_goals) and received data since <paramref name="since"/>: the budget rules' candidates.</summary>
    public List<string> GoalRuns(long since) => reader.GetGoalRuns(since);

    /// <summary>
    /// Runs whose last batch arrived between window and window + 24 h ago (ix_runs_last_received_at): receive time, not
    /// event time, so an import of old events is not "silent since" its timestamps.
    /// </summary>
    private static void StalledConditions(IAlertConditionSession c, RuleSetting rule, long now, List<AlertCondition> conditions)
    {
        if (!rule.Enabled)
        {
            return;
        }
        var silentSince = now - rule.WindowSeconds * 1_000_000L;
        var quiet = c.GetQuietRuns(silentSince, silentSince - (long)BuiltInRules.StalledLookback.TotalMicroseconds, rule.MinSamples ?? RuleDefaults.MinSamples);
        foreach (var run in quiet)
        {
            if (RuleConditions.Stalled(rule, run.Name, run.EventCount, run.LastReceivedAt, now) is { } condition)
            {
                conditions.Add(condition);
            }
        }
    }

    private static Dictionary<long, Dictionary<string, WindowAggregate>> WindowAggregates(
        IAlertConditionSession c, Dictionary<string, long> metrics, AlertSettings settings, long from, long to)
    {
        var ids = WindowMetrics.Where(metrics.ContainsKey).ToDictionary(m => metrics[m]);
        // The anomaly score's shares use the confidence and processing-time warning thresholds.
        var thresholds = new WindowThresholds(
            metrics.TryGetValue("prediction_confidence", out var confidence) ? confidence : null, settings.Rule(BuiltInRules.PredictionConfidence).Threshold,
            metrics.TryGetValue("prediction_processing_time", out var time) ? time : null, settings.Rule(BuiltInRules.PredictionTime).Threshold);
        var byId = c.GetWindowAggregates(ids.Keys, thresholds, from, to);
        return byId.ToDictionary(run => run.Key, run => run.Value.ToDictionary(m => ids[m.Key], m => m.Value));
    }

    private static void PipelineConditions(IAlertConditionSession c, Dictionary<string, long> metrics, Dictionary<long, AlertRun> runs,
        AlertSettings settings, long now, List<AlertCondition> conditions)
    {
        var perf = settings.Rule(BuiltInRules.PipelinePerformance);
        if (perf.Enabled && settings.Baselines.Count > 0 && metrics.TryGetValue("pipeline_execution_time", out var timeId))
        {
            var baselines = settings.Baselines.ToDictionary(b => b.Pipeline, b => b.Seconds);
            var keep = Math.Max(1, perf.MinSamples ?? 1);
            foreach (var (runId, pipeline, rows) in c.GetRecentExecutions(timeId, now - perf.WindowSeconds * 1_000_000L, now, keep))
            {
                if (runs.TryGetValue(runId, out var run) && baselines.TryGetValue(pipeline, out var baseline)
                    && RuleConditions.PipelinePerformance(perf, run.Name, pipeline, rows, baseline) is { } condition)
                {
                    conditions.Add(condition);
                }
            }
        }
        var errors = settings.Rule(BuiltInRules.PipelineErrorRate);
        if (errors.Enabled && metrics.TryGetValue("pipeline_success", out var successId))
        {
            foreach (var (runId, pipeline, rows) in c.GetRecentExecutions(successId, now - errors.WindowSeconds * 1_000_000L, now, BuiltInRules.PipelineRecentExecutions))
            {
                if (runs.TryGetValue(runId, out var run) && RuleConditions.PipelineErrorRate(errors, run.Name, pipeline, rows) is { } condition)
                {
                    conditions.Add(condition);
                }
            }
        }
    }

    private static void CustomConditions(IAlertConditionSession c, Dictionary<string, long> metrics, CustomRule rule, long now, List<AlertCondition> conditions)
    {
        if (!metrics.TryGetValue(rule.Metric, out var metricId))
        {
            return;
        }
        var project = rule.Scope == "project" ? rule.ScopeValue ?? "" : null;
        var run = rule.Scope == "run" ? rule.ScopeValue ?? "" : null;
        c.VisitValuesPerRun(metricId, project, run, now - rule.WindowSeconds * 1_000_000L, now, (name, values) =>
        {
            if (RuleConditions.Custom(rule, name, values) is { } condition)
            {
                conditions.Add(condition);
            }
        });
    }
}
