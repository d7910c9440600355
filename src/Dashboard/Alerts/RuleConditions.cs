using System.Globalization;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>Turns window aggregates into conditions. Every comparison is strict; no data means no condition.</summary>
public static class RuleConditions
{
    public static AlertCondition? Evaluate(string key, RuleSetting rule, string run,
        IReadOnlyDictionary<string, WindowAggregate> m, double? topLabelShare)
    {
        if (Samples(key, m) < (rule.MinSamples ?? BuiltInRules.Get(key).MinSamples))
        {
            // Too few generations (or predictions) in the window to say anything about a rate or a mean.
            return null;
        }
        var window = WindowText(rule.WindowSeconds);
        switch (key)
        {
            case BuiltInRules.LowSuccessRate:
                return Mean(m, "success_rate") is { } sr && sr < rule.Threshold
                    ? Make(key, rule, run, sr, $"Success rate {F(sr)} is below {F(rule.Threshold)} over the last {window}.")
                    : null;
            case BuiltInRules.HighErrorRate:
                // afterimage records error_rate only when a call fails, so its mean is always 1; the share of
                // failed generations is what the rule means.
                // Counted as (generations - successes) / generations rather than 1 - mean, which is exact at the boundary.
                return m.TryGetValue("success_rate", out var g) && g.Count > 0 && (g.Count - g.Sum) / g.Count is var share && share > rule.Threshold
                    ? Make(key, rule, run, share, $"Failure share {F(share)} (failed generations / generations) is above {F(rule.Threshold)} over the last {window}.")
                    : null;
            case BuiltInRules.HighGenerationTime:
                return Above(key, rule, run, Mean(m, "generation_time"), "Mean generation time", "s", window);
            case BuiltInRules.PromptTokens:
                return Above(key, rule, run, Mean(m, "prompt_token_count"), "Mean prompt tokens", "", window);
            case BuiltInRules.CompletionTokens:
                return Above(key, rule, run, Mean(m, "completion_token_count"), "Mean completion tokens", "", window);
            case BuiltInRules.TotalTokens:
                return Above(key, rule, run, Mean(m, "total_token_count"), "Mean total tokens", "", window);
            case BuiltInRules.LongConversations:
                return Above(key, rule, run, Mean(m, "conversation_length"), "Mean conversation length", " turns", window);
            case BuiltInRules.ShortConversations:
                return Mean(m, "conversation_length") is { } cl && cl < rule.Threshold
                    ? Make(key, rule, run, cl, $"Mean conversation length {F(cl)} turns is below the minimum {F(rule.Threshold)} over the last {window}.")
                    : null;
            case BuiltInRules.PredictionTime:
                return Above(key, rule, run, Mean(m, "prediction_processing_time"), "Mean prediction processing time", "s", window);
            case BuiltInRules.PredictionConfidence:
                return Mean(m, "prediction_confidence") is { } pc && pc < rule.Threshold
                    ? Make(key, rule, run, pc, $"Mean prediction confidence {F(pc)} is below {F(rule.Threshold)} over the last {window}.")
                    : null;
            case BuiltInRules.PredictionErrorRate:
                {
                    var predictions = m.GetValueOrDefault("prediction_confidence")?.Count ?? 0;
                    var errors = m.GetValueOrDefault("prediction_error")?.Count ?? 0;
                    if (predictions + errors == 0)
                    {
                        return null;
                    }
                    var rate = (double)errors / (predictions + errors);
                    return Above(key, rule, run, rate, "Prediction error rate", "", window);
                }
            case BuiltInRules.PredictionAnomaly:
                {
                    var score = AnomalyScore(m, topLabelShare);
                    return score is { } a && a > rule.Threshold
                        ? Make(key, rule, run, a, $"Prediction anomaly score {F(a)} is above {F(rule.Threshold)} over the last {window}.")
                        : null;
                }
            default:
                return null;
        }
    }

    /// <summary>The samples a window rule judges: the points of the metric it reads (predictions and errors for the error rate).</summary>
    public static long Samples(string key, IReadOnlyDictionary<string, WindowAggregate> m)
    {
        long Count(string metric) => m.GetValueOrDefault(metric)?.Count ?? 0;
        return key switch
        {
            BuiltInRules.LowSuccessRate or BuiltInRules.HighErrorRate => Count("success_rate"),
            BuiltInRules.HighGenerationTime => Count("generation_time"),
            BuiltInRules.PromptTokens => Count("prompt_token_count"),
            BuiltInRules.CompletionTokens => Count("completion_token_count"),
            BuiltInRules.TotalTokens => Count("total_token_count"),
            BuiltInRules.LongConversations or BuiltInRules.ShortConversations => Count("conversation_length"),
            BuiltInRules.PredictionTime => Count("prediction_processing_time"),
            BuiltInRules.PredictionConfidence or BuiltInRules.PredictionAnomaly => Count("prediction_confidence"),
            BuiltInRules.PredictionErrorRate => Count("prediction_confidence") + Count("prediction_error"),
            _ => 0,
        };
    }

    /// <summary>
    /// PredictionMonitor's anomaly score: the mean of the share of low-confidence predictions, the share of
    /// slow ones, and 0.5 when one label exceeds 90% of predictions (else 0).
    /// </summary>
    public static double? AnomalyScore(IReadOnlyDictionary<string, WindowAggregate> m, double? topLabelShare)
    {
        var confidence = m.GetValueOrDefault("prediction_confidence");
        if (confidence is null || confidence.Count == 0)
        {
            return null;
        }
        var lowShare = (double)confidence.BelowLow / confidence.Count;
        var time = m.GetValueOrDefault("prediction_processing_time");
        var slowShare = time is { Count: > 0 } ? (double)time.AboveHigh / time.Count : 0;
        var labelPart = topLabelShare > 0.9 ? 0.5 : 0;
        return (lowShare + slowShare + labelPart) / 3;
    }

    public static AlertCondition? PipelinePerformance(RuleSetting rule, string run, string pipeline, List<double> newestFirst, double baseline)
    {
        if (newestFirst.Count == 0 || newestFirst.Count < (rule.MinSamples ?? 1))
        {
            return null;
        }
        var latest = newestFirst[0];
        var over = (latest - baseline) / baseline;
        return over > rule.Threshold
            ? new AlertCondition($"{BuiltInRules.PipelinePerformance}:{pipeline}", run, rule.Severity, latest, baseline * (1 + rule.Threshold),
                $"Pipeline '{pipeline}' took {F(latest)}s, {F(over * 100)}% over its baseline {F(baseline)}s (limit {F(rule.Threshold * 100)}%).",
                rule.ForSeconds)
            : null;
    }

    public static AlertCondition? PipelineErrorRate(RuleSetting rule, string run, string pipeline, List<double> successes)
    {
        if (successes.Count == 0 || successes.Count < (rule.MinSamples ?? BuiltInRules.Get(BuiltInRules.PipelineErrorRate).MinSamples))
        {
            return null;
        }
        var rate = successes.Count(v => v == 0) / (double)successes.Count;
        return rate > rule.Threshold
            ? new AlertCondition($"{BuiltInRules.PipelineErrorRate}:{pipeline}", run, rule.Severity, rate, rule.Threshold,
                $"Pipeline '{pipeline}' failed {F(rate)} of its last {successes.Count} executions (above {F(rule.Threshold)}).",
                rule.ForSeconds)
            : null;
    }

    public static AlertCondition? Custom(CustomRule rule, string run, List<double> values)
    {
        if (values.Count < rule.MinSamples)
        {
            return null;
        }
        var value = Aggregate(rule.Aggregate, values, rule.WindowSeconds);
        if (value is not { } v)
        {
            return null;
        }
        var holds = rule.Comparison == "below" ? v < rule.Threshold : v > rule.Threshold;
        return holds
            ? new AlertCondition(rule.RuleKey, run, rule.Severity, v, rule.Threshold,
                $"{rule.Aggregate}({rule.Metric}) {F(v)} is {rule.Comparison} {F(rule.Threshold)} over the last {WindowText(rule.WindowSeconds)}.",
                rule.ForSeconds)
            : null;
    }

    /// <summary>A run that had min_samples events and has sent nothing for the rule's window (value: seconds of silence).</summary>
    public static AlertCondition? Stalled(RuleSetting rule, string run, long eventCount, long lastReceivedMicros, long nowMicros)
    {
        var silent = (nowMicros - lastReceivedMicros) / 1_000_000.0;
        if (eventCount < (rule.MinSamples ?? RuleDefaults.MinSamples) || !(silent >= rule.WindowSeconds))
        {
            return null;
        }
        return new AlertCondition(BuiltInRules.RunStalled, run, rule.Severity, Math.Floor(silent), rule.WindowSeconds,
            $"Run '{run}' has sent nothing for {WindowText((int)Math.Min(int.MaxValue, Math.Floor(silent)))} (stalled after {WindowText(rule.WindowSeconds)} of silence).",
            rule.ForSeconds);
    }

    public static double? Aggregate(string aggregate, List<double> values, int windowSeconds)
    {
        if (values.Count == 0)
        {
            return null;
        }
        if (aggregate == "count")
        {
            return values.Count;
        }
        if (aggregate == "rate")
        {
            return values.Count / (windowSeconds / 60.0);
        }
        var stats = MetricStats.From(values);
        return aggregate switch
        {
            "mean" => stats.Mean,
            "min" => stats.Min,
            "max" => stats.Max,
            "p50" => stats.P50,
            "p90" => stats.P90,
            "p95" => stats.P95,
            "p99" => stats.P99,
            _ => null,
        };
    }

    public static string WindowText(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";

    private static double? Mean(IReadOnlyDictionary<string, WindowAggregate> m, string metric) =>
        m.TryGetValue(metric, out var a) && a.Count > 0 ? a.Mean : null;

    private static AlertCondition? Above(string key, RuleSetting rule, string run, double? value, string what, string unit, string window)
    {
        if (value is not { } v || !(v > rule.Threshold))
        {
            return null;
        }
        var critical = rule.CriticalThreshold is { } c && v > c;
        var threshold = critical ? rule.CriticalThreshold!.Value : rule.Threshold;
        return new AlertCondition(key, run, critical ? AlertSeverity.Critical : rule.Severity, v, threshold,
            $"{what} {F(v)}{unit} is above {F(threshold)}{unit} over the last {window}.", rule.ForSeconds);
    }

    private static AlertCondition Make(string key, RuleSetting rule, string run, double value, string message) =>
        new(key, run, rule.Severity, value, rule.Threshold, message, rule.ForSeconds);

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
