using Dashboard.Client;

namespace Dashboard.Demo;

/// <summary>
/// Realistic fake events: conversations over three models with token counts and finish reasons,
/// failure bursts, LLM-judge evaluations with feedback, classifier predictions and pipeline runs.
/// Pure: the caller decides the time and sends what it returns (typed events of <see cref="Dashboard.Client"/>).
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

    public GenerationEvent Generation(DateTimeOffset t)
    {
        var (model, latency, prompt) = Models[_random.Next(Models.Length)];
        var failed = _random.NextDouble() < FailureProbability(t);
        var completion = failed ? 0 : (int)(120 + _random.NextDouble() * 600);
        var promptTokens = (int)(prompt * (0.6 + _random.NextDouble() * 0.8));
        return new GenerationEvent
        {
            Timestamp = t,
            Duration = Math.Round(latency * (0.5 + _random.NextDouble() * (failed ? 3 : 1.2)), 3),
            Success = !failed,
            ModelName = model,
            FinishReason = failed ? "error" : (_random.NextDouble() < 0.1 ? "length" : "stop"),
            // An empty error records error_rate 0, as the demo has always done for successful calls.
            Error = failed ? "RateLimitError: 429 Too Many Requests" : "",
            PromptTokenCount = promptTokens,
            CompletionTokenCount = completion,
            TotalTokenCount = promptTokens + completion,
            ConversationLength = failed ? null : 2 + _random.Next(0, 5) * 2,
            Metadata = new Dictionary<string, object?> { ["prompt_type"] = _random.NextDouble() < 0.5 ? "respondent" : "correspondent" },
        };
    }

    public EvaluationEvent Evaluation(DateTimeOffset t)
    {
        var failed = _random.NextDouble() < 0.04;
        double Score() => Math.Round(Math.Clamp(0.55 + _random.NextDouble() * 0.45 - (InFailureBurst(t) ? 0.2 : 0), 0, 1), 2);
        return new EvaluationEvent
        {
            Timestamp = t,
            Duration = Math.Round(0.8 + _random.NextDouble() * 2.5, 3),
            Success = !failed,
            EvaluatorType = "llm_judge",
            ModelName = "gpt-4o",
            Error = failed ? "JudgeTimeout" : "",
            Scores = failed ? new Dictionary<string, EvaluationScore>() : new Dictionary<string, EvaluationScore>
            {
                ["overall"] = Score(),
                ["coherence"] = new(Score(), Feedback[_random.Next(Feedback.Length)]),
                ["relevance"] = new(Score(), Feedback[_random.Next(Feedback.Length)]),
            },
            PromptTokenCount = 600 + _random.Next(400),
            CompletionTokenCount = 80 + _random.Next(120),
            TotalTokenCount = 800 + _random.Next(500),
        };
    }

    public LogEvent? Log(DateTimeOffset t)
    {
        var roll = _random.NextDouble();
        if (roll > 0.15)
        {
            return null;
        }
        var (level, message) = roll < 0.02 ? ("error", "Provider returned 429; backing off 2s")
            : roll < 0.06 ? ("warning", "Conversation hit max_turns before the respondent finished")
            : ("info", $"Generated conversation batch {(int)(t.ToUnixTimeSeconds() % 10_000)}");
        return new LogEvent { Timestamp = t, Level = level, Message = message };
    }

    public DashboardEvent Prediction(DateTimeOffset t)
    {
        if (_random.NextDouble() < (InFailureBurst(t) ? 0.08 : 0.01))
        {
            return new PredictionErrorEvent
            {
                Timestamp = t, ErrorType = "ModelTimeout", ErrorMessage = "Inference exceeded 10s",
                Context = new Dictionary<string, object?> { ["batch"] = 1 },
            };
        }
        var label = Labels[Math.Min(Labels.Length - 1, (int)Math.Floor(Math.Pow(_random.NextDouble(), 1.6) * Labels.Length))];
        return new PredictionEvent
        {
            Timestamp = t,
            Prediction = label,
            Confidence = Math.Round(Math.Clamp(0.45 + _random.NextDouble() * 0.6, 0, 1), 3),
            ProcessingTime = Math.Round(0.05 + _random.NextDouble() * (InFailureBurst(t) ? 3 : 0.4), 3),
            ModelVersion = "distilbert-sentiment-v3",
            Text = "demo input " + _random.Next(100_000),
            ClientId = "client-" + _random.Next(5),
        };
    }

    public PipelineExecutionEvent Pipeline(DateTimeOffset t)
    {
        var name = Pipelines[_random.Next(Pipelines.Length)];
        var baseTime = name switch { "ingest-documents" => 4.0, "embed-chunks" => 12.0, _ => 45.0 };
        return new PipelineExecutionEvent
        {
            Timestamp = t,
            Pipeline = name,
            ExecutionTime = Math.Round(baseTime * (0.7 + _random.NextDouble() * 0.7), 2),
            Success = _random.NextDouble() > (name == "train-classifier" ? 0.15 : 0.03),
            Metadata = new Dictionary<string, object?> { ["stage_count"] = 3 },
        };
    }
}
