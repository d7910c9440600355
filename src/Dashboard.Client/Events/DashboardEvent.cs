using System.Text.Json.Serialization;

namespace Dashboard.Client;

/// <summary>
/// One typed event of the ingest contract (README, "Ingest API"). The client fills <see cref="Id"/> and
/// <see cref="Timestamp"/> when they are left empty, at the moment the event is handed to it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(GenerationEvent), "generation")]
[JsonDerivedType(typeof(EvaluationEvent), "evaluation")]
[JsonDerivedType(typeof(MetricEvent), "metric")]
[JsonDerivedType(typeof(LogEvent), "log")]
[JsonDerivedType(typeof(PredictionEvent), "prediction")]
[JsonDerivedType(typeof(PredictionErrorEvent), "prediction_error")]
[JsonDerivedType(typeof(PipelineExecutionEvent), "pipeline_execution")]
public abstract record DashboardEvent
{
    /// <summary>
    /// The event's id within its run. The server stores an id once, so a batch sent again after a lost
    /// answer is acknowledged as duplicates instead of stored twice. Default: a new GUID.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>When the event happened. Default: when it was handed to the client (not when it is sent).</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>
/// One generation call, as afterimage's <c>track_generation</c>: generation_time, success_rate,
/// error_rate (only when <see cref="Error"/> is set), model_usage:&lt;model&gt;, finish_reason:&lt;reason&gt;,
/// token counts tagged with the model and conversation_length.
/// </summary>
public sealed record GenerationEvent : DashboardEvent
{
    /// <summary>Seconds the generation took (0 or more).</summary>
    public required double Duration { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Success { get; init; }

    private string? _modelName;
    private bool _modelNamePassed;

    /// <summary>
    /// The model that generated. As afterimage's keyword argument: set (even to null) it records
    /// model_usage:&lt;model&gt; (model_usage:None for null, tokens under "unknown"); never set, nothing.
    /// </summary>
    [JsonIgnore]
    public string? ModelName
    {
        get => _modelName;
        init
        {
            _modelName = value;
            _modelNamePassed = true;
        }
    }

    [JsonInclude]
    [JsonPropertyName("model_name")]
    internal PassedText? ModelNameField => PassedText.From(_modelName, _modelNamePassed);

    private string? _finishReason;
    private bool _finishReasonPassed;

    /// <summary>Why the model stopped (stop, length, ...); set to null it records finish_reason:None, as afterimage does.</summary>
    [JsonIgnore]
    public string? FinishReason
    {
        get => _finishReason;
        init
        {
            _finishReason = value;
            _finishReasonPassed = true;
        }
    }

    [JsonInclude]
    [JsonPropertyName("finish_reason")]
    internal PassedText? FinishReasonField => PassedText.From(_finishReason, _finishReasonPassed);

    private string? _error;
    private bool _errorPassed;

    /// <summary>
    /// The error. As in afterimage, error_rate is recorded only when an error is passed: set to a
    /// non-empty text it records 1, set to null or "" it records 0, never set it records nothing.
    /// </summary>
    [JsonIgnore]
    public string? Error
    {
        get => _error;
        init
        {
            _error = value;
            _errorPassed = true;
        }
    }

    [JsonInclude]
    [JsonPropertyName("error")]
    internal PassedText? ErrorField => PassedText.From(_error, _errorPassed);

    /// <summary>Prompt tokens.</summary>
    public long? PromptTokenCount { get; init; }

    /// <summary>Completion tokens.</summary>
    public long? CompletionTokenCount { get; init; }

    /// <summary>Total tokens.</summary>
    public long? TotalTokenCount { get; init; }

    /// <summary>The part of <see cref="PromptTokenCount"/> served from a prompt cache, priced at the cached-input price.</summary>
    public long? CachedTokenCount { get; init; }

    /// <summary>Turns in the conversation.</summary>
    public double? ConversationLength { get; init; }

    /// <summary>Extra tags stored with every point of the event.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}

/// <summary>
/// One evaluation, as afterimage's <c>track_evaluation</c>: evaluation_time, one evaluation_score_&lt;name&gt;
/// per score (with its feedback), evaluation_error_rate (only when <see cref="Error"/> is set) and token counts.
/// </summary>
public sealed record EvaluationEvent : DashboardEvent
{
    /// <summary>Seconds the evaluation took (0 or more).</summary>
    public required double Duration { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Success { get; init; }

    /// <summary>The evaluator, e.g. <c>llm_judge</c>.</summary>
    public required string EvaluatorType { get; init; }

    /// <summary>Scores by name, each with optional feedback.</summary>
    public IReadOnlyDictionary<string, EvaluationScore>? Scores { get; init; }

    private string? _error;
    private bool _errorPassed;

    /// <summary>The error: evaluation_error_rate is recorded only when it is set (1 for a non-empty text, 0 for null or "").</summary>
    [JsonIgnore]
    public string? Error
    {
        get => _error;
        init
        {
            _error = value;
            _errorPassed = true;
        }
    }

    [JsonInclude]
    [JsonPropertyName("error")]
    internal PassedText? ErrorField => PassedText.From(_error, _errorPassed);

    /// <summary>The judge model, tagging the token counts.</summary>
    public string? ModelName { get; init; }

    /// <summary>Prompt tokens.</summary>
    public long? PromptTokenCount { get; init; }

    /// <summary>Completion tokens.</summary>
    public long? CompletionTokenCount { get; init; }

    /// <summary>Total tokens.</summary>
    public long? TotalTokenCount { get; init; }

    /// <summary>The part of <see cref="PromptTokenCount"/> served from a prompt cache, priced at the cached-input price.</summary>
    public long? CachedTokenCount { get; init; }

    /// <summary>Extra tags stored with every point of the event.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}

/// <summary>A score of an evaluation and the judge's feedback.</summary>
/// <param name="Score">The score (NaN is kept and counted apart by the server).</param>
/// <param name="Feedback">The judge's words, stored as text.</param>
public sealed record EvaluationScore(double Score, string? Feedback = null)
{
    /// <summary>A plain number is a score without feedback.</summary>
    public static implicit operator EvaluationScore(double score) => new(score);
}

/// <summary>A free metric, as afterimage's <c>record_metric</c>: one point; <c>metadata.model_name</c> tags it.</summary>
public sealed record MetricEvent : DashboardEvent
{
    /// <summary>The metric's name.</summary>
    public required string Name { get; init; }

    /// <summary>The value.</summary>
    public required double Value { get; init; }

    /// <summary>Tags stored with the point.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}

/// <summary>A log line of the run.</summary>
public sealed record LogEvent : DashboardEvent
{
    /// <summary><c>info</c>, <c>warning</c> or <c>error</c>.</summary>
    public string Level { get; init; } = "info";

    /// <summary>The message, stored as text.</summary>
    public required string Message { get; init; }

    /// <summary>Structured data kept with the line (a JSON object).</summary>
    public object? Data { get; init; }
}
