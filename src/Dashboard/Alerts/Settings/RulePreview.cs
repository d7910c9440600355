using Dashboard.Storage;

namespace Dashboard.Alerts.Settings;

/// <summary>What a rule compares: aggregate(metric) above/below threshold over a window (a custom rule, or a built-in one mapped).</summary>
public sealed record RulePreviewSpec(string Metric, string Aggregate, string Comparison, double Threshold, int WindowSeconds)
{
    /// <summary>
    /// The built-in rules that are one aggregate of one metric, as a spec; null for the rules that combine metrics
    /// (prediction error rate, anomaly score, pipeline rules), which the preview does not cover.
    /// The failure share rule is "mean success_rate below 1 - threshold", the same condition.
    /// </summary>
    public static RulePreviewSpec? ForBuiltIn(string key, RuleSetting rule) => key switch
    {
        BuiltInRules.LowSuccessRate => new("success_rate", "mean", "below", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.HighErrorRate => new("success_rate", "mean", "below", 1 - rule.Threshold, rule.WindowSeconds),
        BuiltInRules.HighGenerationTime => new("generation_time", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.PromptTokens => new("prompt_token_count", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.CompletionTokens => new("completion_token_count", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.TotalTokens => new("total_token_count", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.LongConversations => new("conversation_length", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.ShortConversations => new("conversation_length", "mean", "below", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.PredictionTime => new("prediction_processing_time", "mean", "above", rule.Threshold, rule.WindowSeconds),
        BuiltInRules.PredictionConfidence => new("prediction_confidence", "mean", "below", rule.Threshold, rule.WindowSeconds),
        _ => null,
    };

    public static RulePreviewSpec ForCustom(CustomRule rule) =>
        new(rule.Metric, rule.Aggregate, rule.Comparison, rule.Threshold, rule.WindowSeconds);
}


/// <summary>A stretch of evaluations where the rule held for one run: first and last evaluation time, and the worst value.</summary>
public sealed record PreviewFiring(string Run, DateTimeOffset From, DateTimeOffset To, int Evaluations, double Worst);

public sealed record RulePreviewResult(IReadOnlyList<PreviewFiring> Firings, int Evaluations, TimeSpan Step, int RunsChecked, bool Truncated)
{
    public int RunsFiring => Firings.Select(f => f.Run).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>
/// Replays a rule over stored points: evaluations every <see cref="Step"/> across the range, each over the rule's
/// window ending there, as the evaluator would have run them. Pure, so tests pin every boundary.
/// </summary>
public static class RulePreview
{
    /// <summary>Evaluations are this far apart (the evaluator may run more often; 5 minutes keeps 24 h at 288 steps).</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    public static RulePreviewResult Run(RulePreviewSpec spec, IReadOnlyList<PreviewSeries> series, DateTimeOffset from, DateTimeOffset to, bool truncated)
    {
        var stepMicros = (long)Step.TotalMicroseconds;
        var windowMicros = spec.WindowSeconds * 1_000_000L;
        var fromMicros = from.ToUnixTimeMilliseconds() * 1000;
        var toMicros = to.ToUnixTimeMilliseconds() * 1000;
        var evaluations = (int)Math.Max(0, (toMicros - fromMicros) / stepMicros);
        var firings = new List<PreviewFiring>();
        var values = new List<double>();
        foreach (var s in series)
        {
            PreviewFiring? open = null;
            for (var k = 1; k <= evaluations; k++)
            {
                var at = fromMicros + k * stepMicros;
                var lo = LowerBound(s.Timestamps, at - windowMicros + 1);
                var hi = LowerBound(s.Timestamps, at + 1);
                values.Clear();
                for (var i = lo; i < hi; i++)
                {
                    values.Add(s.Values[i]);
                }
                var v = RuleConditions.Aggregate(spec.Aggregate, values, spec.WindowSeconds);
                var holds = v is { } x && (spec.Comparison == "below" ? x < spec.Threshold : x > spec.Threshold);
                if (holds)
                {
                    var when = DateTimeOffset.FromUnixTimeMilliseconds(at / 1000);
                    open = open is null
                        ? new PreviewFiring(s.Run, when, when, 1, v!.Value)
                        : open with { To = when, Evaluations = open.Evaluations + 1, Worst = Worse(spec, open.Worst, v!.Value) };
                }
                else if (open is not null)
                {
                    firings.Add(open);
                    open = null;
                }
            }
            if (open is not null)
            {
                firings.Add(open);
            }
        }
        return new RulePreviewResult(firings.OrderBy(f => f.From).ThenBy(f => f.Run, StringComparer.Ordinal).ToList(),
            evaluations, Step, series.Count, truncated);
    }

    private static double Worse(RulePreviewSpec spec, double a, double b) => spec.Comparison == "below" ? Math.Min(a, b) : Math.Max(a, b);

    private static int LowerBound(IReadOnlyList<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
