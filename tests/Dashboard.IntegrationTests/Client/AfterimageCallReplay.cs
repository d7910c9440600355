using System.Globalization;
using System.Text.Json;
using Dashboard.Client;

namespace Dashboard.IntegrationTests.Client;

/// <summary>
/// Replays tests/fixtures/afterimage-calls.jsonl (one GenerationMonitor call a line, afterimage's own
/// keyword names) through the typed client, each call at its own time converted from the recording's
/// time zone to UTC, as a C# generator written against the client would make the same calls.
/// </summary>
internal static class AfterimageCallReplay
{
    private static readonly HashSet<string> GenerationArguments =
        ["duration", "success", "model_name", "finish_reason", "error", "prompt_token_count", "completion_token_count", "total_token_count", "conversation_length"];

    private static readonly HashSet<string> EvaluationArguments =
        ["duration", "success", "evaluator_type", "scores", "error", "model_name", "prompt_token_count", "completion_token_count", "total_token_count"];

    /// <summary>Makes every call of the file; returns each call's name and UTC time, in order.</summary>
    public static async Task<List<(string Call, DateTimeOffset At)>> ReplayAsync(string callsPath, TimeZoneInfo zone, DashboardClient client)
    {
        var calls = new List<(string, DateTimeOffset)>();
        foreach (var line in File.ReadLines(callsPath))
        {
            using var doc = JsonDocument.Parse(line);
            var call = doc.RootElement.GetProperty("call").GetString()!;
            var kwargs = doc.RootElement.GetProperty("kwargs");
            var at = ToUtc(doc.RootElement.GetProperty("at").GetString()!, zone);
            switch (call)
            {
                case "track_generation":
                    await client.TrackGenerationAsync(Generation(kwargs, at));
                    break;
                case "track_evaluation":
                    await client.TrackEvaluationAsync(Evaluation(kwargs, at));
                    break;
                case "record_metric":
                    client.RecordMetric(kwargs.GetProperty("metric_name").GetString()!, Number(kwargs.GetProperty("value")),
                        kwargs.TryGetProperty("metadata", out var m) ? Dictionary(m) : null, at);
                    break;
                case "log_info" or "log_warning" or "log_error":
                    await client.EnqueueAsync(new LogEvent
                    {
                        Level = call[4..], Message = kwargs.GetProperty("message").GetString()!, Timestamp = at,
                        Data = Dictionary(kwargs, except: ["message"]),
                    });
                    break;
                default:
                    throw new InvalidDataException($"Unknown call {call}");
            }
            calls.Add((call, at));
        }
        return calls;
    }

    /// <summary>afterimage's datetime.now(): naive wall time in the recording's zone (DST included).</summary>
    public static DateTimeOffset ToUtc(string naiveLocal, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(DateTime.Parse(naiveLocal, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static GenerationEvent Generation(JsonElement k, DateTimeOffset at)
    {
        var e = new GenerationEvent
        {
            Timestamp = at,
            Duration = Number(k.GetProperty("duration")),
            Success = k.GetProperty("success").GetBoolean(),
            PromptTokenCount = Long(k, "prompt_token_count"),
            CompletionTokenCount = Long(k, "completion_token_count"),
            TotalTokenCount = Long(k, "total_token_count"),
            ConversationLength = k.TryGetProperty("conversation_length", out var l) ? Number(l) : null,
            // afterimage's other keyword arguments are kept as metadata (it records no metric for them).
            Metadata = Dictionary(k, except: GenerationArguments),
        };
        // Only the keywords passed are set: afterimage records model_usage:None for model_name=None, nothing when absent.
        if (k.TryGetProperty("model_name", out var model))
        {
            e = e with { ModelName = model.GetString() };
        }
        if (k.TryGetProperty("finish_reason", out var finish))
        {
            e = e with { FinishReason = finish.GetString() };
        }
        if (k.TryGetProperty("error", out var error))
        {
            e = e with { Error = error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText() };
        }
        return e;
    }

    private static EvaluationEvent Evaluation(JsonElement k, DateTimeOffset at)
    {
        var scores = new Dictionary<string, EvaluationScore>();
        foreach (var s in k.TryGetProperty("scores", out var all) ? all.EnumerateObject() : default)
        {
            scores[s.Name] = s.Value.ValueKind == JsonValueKind.Object
                ? new EvaluationScore(s.Value.TryGetProperty("score", out var v) ? Number(v) : 0,
                    s.Value.TryGetProperty("feedback", out var f) ? f.GetString() : null)
                : Number(s.Value);
        }
        var e = new EvaluationEvent
        {
            Timestamp = at,
            Duration = Number(k.GetProperty("duration")),
            Success = k.GetProperty("success").GetBoolean(),
            EvaluatorType = k.GetProperty("evaluator_type").GetString()!,
            Scores = scores,
            ModelName = k.TryGetProperty("model_name", out var model) ? model.GetString() : null,
            PromptTokenCount = Long(k, "prompt_token_count"),
            CompletionTokenCount = Long(k, "completion_token_count"),
            TotalTokenCount = Long(k, "total_token_count"),
            Metadata = Dictionary(k, except: EvaluationArguments),
        };
        return k.TryGetProperty("error", out var error) ? e with { Error = error.GetString() } : e;
    }

    /// <summary>Numbers, booleans (True is 1) and the fixture's "NaN" / "Infinity" / "-Infinity".</summary>
    private static double Number(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String => double.Parse(v.GetString()!, CultureInfo.InvariantCulture),
        _ => v.GetDouble(),
    };

    private static long? Long(JsonElement k, string name) =>
        k.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static Dictionary<string, object?>? Dictionary(JsonElement obj, ICollection<string>? except = null)
    {
        var result = obj.EnumerateObject().Where(p => except is null || !except.Contains(p.Name))
            .ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        return result.Count == 0 ? null : result;
    }
}
