namespace Dashboard.Alerts;

/// <summary>A built-in rule's fixed description and its default setting.</summary>
public sealed record BuiltInRule(
    string Key, string Label, string Group, bool Above, double Threshold, double? Critical, string Severity,
    bool Enabled, string Unit, string Help, int MinSamples = RuleDefaults.MinSamples, int WindowSeconds = 300)
{
    public RuleSetting DefaultSetting() => new()
    {
        Enabled = Enabled,
        Threshold = Threshold,
        CriticalThreshold = Critical,
        Severity = Severity,
        WindowSeconds = WindowSeconds,
        ForSeconds = 0,
        KeepFiringForSeconds = RuleDefaults.KeepFiringForSeconds,
        MinSamples = MinSamples,
    };
}

/// <summary>
/// afterimage's GenerationMonitor rules, PredictionMonitor's and calibrax ProductionMonitor's, with their defaults.
/// </summary>
public static class BuiltInRules
{
    public const string LowSuccessRate = "low_success_rate";
    public const string HighGenerationTime = "high_generation_time";
    public const string HighErrorRate = "high_error_rate";
    public const string PromptTokens = "high_token_usage:prompt";
    public const string CompletionTokens = "high_token_usage:completion";
    public const string TotalTokens = "high_token_usage:total";
    public const string LongConversations = "long_conversations";
    public const string ShortConversations = "short_conversations";
    public const string PredictionTime = "prediction_processing_time";
    public const string PredictionConfidence = "prediction_low_confidence";
    public const string PredictionErrorRate = "prediction_error_rate";
    public const string PredictionAnomaly = "prediction_anomaly";
    public const string PipelinePerformance = "pipeline_performance";
    public const string PipelineErrorRate = "pipeline_error_rate";
    public const string RunStalled = "run_stalled";
    public const string RunSpend = "budget_run_spend";
    public const string ProjectSpend = "budget_project_spend";
    public const string ProjectedCost = "budget_projected_cost";
    public const string EtaPastDeadline = "goal_eta_past_deadline";

    /// <summary>A run silent for longer than its stall window plus this counts as finished: its run_stalled alert resolves.</summary>
    public static readonly TimeSpan StalledLookback = TimeSpan.FromHours(24);

    /// <summary>Executions considered by <see cref="PipelineErrorRate"/>.</summary>
    public const int PipelineRecentExecutions = 20;

    public static readonly IReadOnlyList<BuiltInRule> All =
    [
        new(LowSuccessRate, "Low success rate", "Generation", false, 0.8, null, AlertSeverity.Warning, true, "",
            "mean success_rate below the threshold"),
        new(HighGenerationTime, "High generation time", "Generation", true, 30, null, AlertSeverity.Warning, true, "s",
            "mean generation_time above the threshold"),
        new(HighErrorRate, "High failure share", "Generation", true, 0.2, null, AlertSeverity.Error, true, "",
            "failure share (failed generations / generations = 1 - mean success_rate) above the threshold"),
        new(PromptTokens, "High prompt tokens", "Generation", true, 4096, null, AlertSeverity.Warning, true, "tokens",
            "mean prompt_token_count above the threshold"),
        new(CompletionTokens, "High completion tokens", "Generation", true, 4096, null, AlertSeverity.Warning, true, "tokens",
            "mean completion_token_count above the threshold"),
        new(TotalTokens, "High total tokens", "Generation", true, 8192, null, AlertSeverity.Warning, true, "tokens",
            "mean total_token_count above the threshold"),
        new(LongConversations, "Long conversations", "Generation", true, 20, null, AlertSeverity.Warning, false, "turns",
            "mean conversation_length above the maximum"),
        new(ShortConversations, "Short conversations", "Generation", false, 2, null, AlertSeverity.Warning, true, "turns",
            "mean conversation_length below the minimum"),
        new(PredictionTime, "Slow predictions", "Prediction", true, 5, 10, AlertSeverity.Warning, true, "s",
            "mean prediction_processing_time above the threshold (critical above the critical threshold)"),
        new(PredictionConfidence, "Low prediction confidence", "Prediction", false, 0.6, null, AlertSeverity.Warning, true, "",
            "mean prediction_confidence below the threshold"),
        new(PredictionErrorRate, "Prediction error rate", "Prediction", true, 0.05, 0.10, AlertSeverity.Warning, true, "",
            "prediction_error count / (predictions + errors) above the threshold (critical above the critical threshold)"),
        new(PredictionAnomaly, "Prediction anomaly score", "Prediction", true, 0.3, null, AlertSeverity.Warning, true, "",
            "mean of: share of low confidence, share of slow predictions, 0.5 when one label exceeds 90% of predictions"),
        new(PipelinePerformance, "Pipeline over baseline", "Pipeline", true, 0.2, null, AlertSeverity.Warning, true, "share",
            "the latest execution runs more than this share over the pipeline's baseline", MinSamples: 1),
        new(PipelineErrorRate, "Pipeline error rate", "Pipeline", true, 0.3, null, AlertSeverity.Error, true, "",
            "error rate among a pipeline's last 20 executions (at least min_samples) above the threshold", MinSamples: 3),
        new(RunStalled, "Run stalled", "Liveness", true, 0, null, AlertSeverity.Warning, true, "s",
            "a run that had at least min_samples events has sent nothing for window_seconds", WindowSeconds: 600),
        new(RunSpend, "Run spend", "Budget", true, 100, null, AlertSeverity.Warning, false, "currency",
            "a run's token cost over the window above the threshold (in the price table's currency)", MinSamples: 1, WindowSeconds: 86_400),
        new(ProjectSpend, "Project spend", "Budget", true, 1000, null, AlertSeverity.Warning, false, "currency",
            "a project's token cost (all its runs) over the window above the threshold", MinSamples: 1, WindowSeconds: 86_400),
        new(ProjectedCost, "Projected cost over budget", "Budget", true, 0, null, AlertSeverity.Warning, true, "currency",
            "projected cost at completion above the run goal's budget (or above the threshold when it is above 0 and the goal has no budget); judged from min_samples samples done"),
        new(EtaPastDeadline, "ETA past deadline", "Budget", true, 0, null, AlertSeverity.Warning, true, "",
            "the run goal's ETA falls after its deadline; judged from min_samples samples done"),
    ];

    private static readonly Dictionary<string, BuiltInRule> ByKey = All.ToDictionary(r => r.Key);

    public static bool Exists(string key) => ByKey.ContainsKey(key);

    public static BuiltInRule Get(string key) => ByKey[key];
}
