namespace Dashboard.Core;

/// <summary>
/// The metric names the dashboard itself gives meaning to: afterimage's GenerationMonitor names and those of the
/// prediction and pipeline events. Defined once; every query, page and rule uses these constants.
/// </summary>
public static class MetricNames
{
    public const string GenerationTime = "generation_time";
    public const string SuccessRate = "success_rate";
    public const string ErrorRate = "error_rate";
    public const string PromptTokens = "prompt_token_count";
    public const string CompletionTokens = "completion_token_count";
    public const string TotalTokens = "total_token_count";

    /// <summary>The part of prompt_token_count served from a prompt cache (issue 16), priced at the cached-input price.</summary>
    public const string CachedTokens = "cached_token_count";

    public const string EvaluationTime = "evaluation_time";
    public const string EvaluationErrorRate = "evaluation_error_rate";

    public const string PredictionConfidence = "prediction_confidence";
    public const string PredictionProcessingTime = "prediction_processing_time";
    public const string PredictionError = "prediction_error";

    public const string PipelineExecutionTime = "pipeline_execution_time";
    public const string PipelineSuccess = "pipeline_success";

    /// <summary>The three token counts, in the order reports list them (prompt, completion, total).</summary>
    public static readonly IReadOnlyList<string> TokenCounts = [PromptTokens, CompletionTokens, TotalTokens];
}
