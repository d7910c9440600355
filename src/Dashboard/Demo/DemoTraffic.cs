namespace Dashboard.Demo;

/// <summary>
/// Realistic fake events: conversations over three models with token counts and finish reasons,
/// failure bursts, LLM-judge evaluations with feedback, classifier predictions and pipeline runs.
/// Pure: the caller decides the time and posts what it returns.
/// </summary>
public sealed class DemoTraffic(int seed)
{
    public const string ConversationRun = "demo-conversations";
    public const string ClassifierRun = "demo-classifier";
    public const string PipelineRun = "demo-pipelines";

    private static readonly (string Name, double Latency, int Prompt)[] Models =
        [("gpt-4o-mini", 1.8, 900), ("claude-3-5-sonnet", 3.2, 1400), ("meta-llama/Llama-3.1-8B-Instruct", 1.1, 700)];
    private static readonly string[] Labels = ["positive", "negative", "neutral", "question"];
    private static readonly string[] Pipelines = ["ingest-documents", "embed-chunks", "train-classifier"];
    private static readonly string[] Feedback =
    [
        "Clear and on topic.", "Answer drifts from the user's question.", "Correct, but \"too long\" for a chat reply.",
        "Cites a fact that is not in the context = hallucination risk.", "Good tone; follows the persona.",
    ];

    private readonly Random _random = new(seed);

    /// <summary>Failures come in bursts: about 15 seconds in every 2 minutes fail 40% of the time.</summary>
    public static bool InFailureBurst(DateTimeOffset t) => t.ToUnixTimeSeconds() % 120 < 15;

    /// <summary>
    /// Every 10 minutes a 90-second incident fails 75% of generations: enough to pull the 5-minute
    /// success rate under 80%, so a newcomer sees low_success_rate fire and then resolve.
    /// </summary>
    public static bool InIncident(DateTimeOffset t) => t.ToUnixTimeSeconds() % 600 is >= 420 and < 510;

    private static double FailureProbability(DateTimeOffset t) => InIncident(t) ? 0.75 : InFailureBurst(t) ? 0.4 : 0.03;

    public object Generation(DateTimeOffset t)
    {
        var (model, latency, prompt) = Models[_random.Next(Models.Length)];
        var failed = _random.NextDouble() < FailureProbability(t);
        var completion = failed ? 0 : (int)(120 + _random.NextDouble() * 600);
        var promptTokens = (int)(prompt * (0.6 + _random.NextDouble() * 0.8));
        return new Dictionary<string, object?>
        {
            ["type"] = "generation",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["timestamp"] = t,
            ["duration"] = Math.Round(latency * (0.5 + _random.NextDouble() * (failed ? 3 : 1.2)), 3),
            ["success"] = !failed,
            ["model_name"] = model,
            ["finish_reason"] = failed ? "error" : (_random.NextDouble() < 0.1 ? "length" : "stop"),
            ["error"] = failed ? "RateLimitError: 429 Too Many Requests" : null,
            ["prompt_token_count"] = promptTokens,
            ["completion_token_count"] = completion,
            ["total_token_count"] = promptTokens + completion,
            ["conversation_length"] = failed ? null : 2 + _random.Next(0, 5) * 2,
            ["metadata"] = new Dictionary<string, object?> { ["prompt_type"] = _random.NextDouble() < 0.5 ? "respondent" : "correspondent" },
        };
    }

    public object Evaluation(DateTimeOffset t)
    {
        var failed = _random.NextDouble() < 0.04;
        double Score() => Math.Round(Math.Clamp(0.55 + _random.NextDouble() * 0.45 - (InFailureBurst(t) ? 0.2 : 0), 0, 1), 2);
        return new Dictionary<string, object?>
        {
            ["type"] = "evaluation",
            ["timestamp"] = t,
            ["duration"] = Math.Round(0.8 + _random.NextDouble() * 2.5, 3),
            ["success"] = !failed,
            ["evaluator_type"] = "llm_judge",
            ["model_name"] = "gpt-4o",
            ["error"] = failed ? "JudgeTimeout" : null,
            ["scores"] = failed ? new Dictionary<string, object?>() : new Dictionary<string, object?>
            {
                ["overall"] = Score(),
                ["coherence"] = new Dictionary<string, object?> { ["score"] = Score(), ["feedback"] = Feedback[_random.Next(Feedback.Length)] },
                ["relevance"] = new Dictionary<string, object?> { ["score"] = Score(), ["feedback"] = Feedback[_random.Next(Feedback.Length)] },
            },
            ["prompt_token_count"] = 600 + _random.Next(400),
            ["completion_token_count"] = 80 + _random.Next(120),
            ["total_token_count"] = 800 + _random.Next(500),
        };
    }

    public object? Log(DateTimeOffset t)
    {
        var roll = _random.NextDouble();
        if (roll > 0.15)
        {
            return null;
        }
        var (level, message) = roll < 0.02 ? ("error", "Provider returned 429; backing off 2s")
            : roll < 0.06 ? ("warning", "Conversation hit max_turns before the respondent finished")
            : ("info", $"Generated conversation batch {(int)(t.ToUnixTimeSeconds() % 10_000)}");
        return new Dictionary<string, object?> { ["type"] = "log", ["timestamp"] = t, ["level"] = level, ["message"] = message };
    }

    public object Prediction(DateTimeOffset t)
    {
        if (_random.NextDouble() < (InFailureBurst(t) ? 0.08 : 0.01))
        {
            return new Dictionary<string, object?>
            {
                ["type"] = "prediction_error", ["timestamp"] = t, ["error_type"] = "ModelTimeout",
                ["error_message"] = "Inference exceeded 10s", ["context"] = new Dictionary<string, object?> { ["batch"] = 1 },
            };
        }
        var label = Labels[Math.Min(Labels.Length - 1, (int)Math.Floor(Math.Pow(_random.NextDouble(), 1.6) * Labels.Length))];
        return new Dictionary<string, object?>
        {
            ["type"] = "prediction",
            ["timestamp"] = t,
            ["prediction"] = label,
            ["confidence"] = Math.Round(Math.Clamp(0.45 + _random.NextDouble() * 0.6, 0, 1), 3),
            ["processing_time"] = Math.Round(0.05 + _random.NextDouble() * (InFailureBurst(t) ? 3 : 0.4), 3),
            ["model_version"] = "distilbert-sentiment-v3",
            ["text"] = "demo input " + _random.Next(100_000),
            ["client_id"] = "client-" + _random.Next(5),
        };
    }

    public object Pipeline(DateTimeOffset t)
    {
        var name = Pipelines[_random.Next(Pipelines.Length)];
        var baseTime = name switch { "ingest-documents" => 4.0, "embed-chunks" => 12.0, _ => 45.0 };
        return new Dictionary<string, object?>
        {
            ["type"] = "pipeline_execution",
            ["timestamp"] = t,
            ["pipeline"] = name,
            ["execution_time"] = Math.Round(baseTime * (0.7 + _random.NextDouble() * 0.7), 2),
            ["success"] = _random.NextDouble() > (name == "train-classifier" ? 0.15 : 0.03),
            ["metadata"] = new Dictionary<string, object?> { ["stage_count"] = 3 },
        };
    }
}
