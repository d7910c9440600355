using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Validates one typed event and expands it into metric points with exactly the names, values
/// and tags afterimage's GenerationMonitor records (track_generation, track_evaluation,
/// record_metric), plus the prediction and pipeline events of the other two monitors.
/// </summary>
internal static class EventExpander
{
    public static readonly IReadOnlyList<string> Types =
        ["generation", "evaluation", "metric", "log", "prediction", "prediction_error", "pipeline_execution"];

    // cached_token_count (issue 16): the part of prompt_token_count served from a prompt cache, priced at the cached-input price.
    private static readonly string[] TokenFields = ["prompt_token_count", "completion_token_count", "total_token_count", "cached_token_count"];

    public static ExpandedEvent? Expand(EventFields f, long receivedAt)
    {
        if (f.Element.ValueKind != JsonValueKind.Object)
        {
            f.Fail("", "Each event must be a JSON object.");
            return null;
        }
        var type = f.Text("type", required: true, isName: true);
        var id = f.Text("id", maxLength: 128);
        var (timestamp, time) = ReadTimestamp(f, receivedAt);
        if (type is not null && !Types.Contains(type))
        {
            f.Fail("type", $"Unknown event type '{Shorten(type)}'; expected one of {string.Join(", ", Types)}.");
        }
        if (f.HasErrors || type is null)
        {
            return null;
        }

        var e = new ExpandedEvent { Id = id, Timestamp = timestamp, Type = type, Time = time };
        switch (type)
        {
            case "generation": Generation(f, e); break;
            case "evaluation": Evaluation(f, e); break;
            case "metric": Metric(f, e); break;
            case "log": Log(f, e); break;
            case "prediction": Prediction(f, e); break;
            case "prediction_error": PredictionError(f, e); break;
            case "pipeline_execution": Pipeline(f, e); break;
        }
        return f.HasErrors ? null : e;
    }

    // afterimage's MetricHandler gets the time inside metadata, so a handler forwarding it verbatim is
    // honoured: the event's own timestamp first, then metadata.timestamp, then the receive time. Storage takes the
    // points of one run at one time for one event (token rollups, events per minute), so the n-th event of a request
    // is stored n microseconds after the receive time: forty generations posted in one batch stay forty events
    // instead of folding into one (the run page once showed one generation's tokens for such a batch).
    private static (long Micros, EventTime Time) ReadTimestamp(EventFields f, long receivedAt)
    {
        var field = "timestamp";
        if (!f.TryGet("timestamp", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (!f.TryGet("metadata", out var m) || m.ValueKind != JsonValueKind.Object
                || !m.TryGetProperty("timestamp", out v) || v.ValueKind == JsonValueKind.Null)
            {
                return (receivedAt + f.Index, EventTime.Received);
            }
            field = "metadata/timestamp";
        }
        var error = Timestamps.TryRead(v, out var micros);
        if (error is not null)
        {
            f.Fail(field, error);
        }
        return (micros, EventTime.Stated);
    }

    private static void Generation(EventFields f, ExpandedEvent e)
    {
        var duration = f.Number("duration", required: true, min: 0, nonFinite: true);
        var success = f.Bool("success", required: true);
        var model = f.Text("model_name", isName: true);
        var finish = f.Text("finish_reason", isName: true);
        var tokens = TokenFields.Select(n => (n, v: f.Number(n, min: 0, nonFinite: true))).ToArray();
        var length = f.Number("conversation_length", min: 0, nonFinite: true);
        var metadata = UnknownFields.Merge(f, e, f.Object("metadata"), UnknownFields.Generation);
        CheckError(f);
        if (f.HasErrors)
        {
            return;
        }

        Add(e, "generation_time", duration!.Value, new PointMetadata().With(metadata));
        Add(e, "success_rate", success!.Value ? 1 : 0, new PointMetadata().With(metadata));
        if (f.TryGet("error", out var error))
        {
            Add(e, "error_rate", EventFields.IsTruthy(error) ? 1 : 0, new PointMetadata().With(metadata));
        }
        // afterimage tests `"model_name" in kwargs`, so model_name=None records model_usage:None (and the
        // tokens go to "unknown"); an absent key records nothing. Same for finish_reason.
        if (model is not null || IsNull(f, "model_name"))
        {
            Add(e, $"model_usage:{model ?? "None"}", 1, new PointMetadata().With(metadata));
        }
        if (finish is not null || IsNull(f, "finish_reason"))
        {
            Add(e, $"finish_reason:{finish ?? "None"}", 1, new PointMetadata().With(metadata));
        }
        AddTokens(e, tokens, model, metadata);
        if (length is { } l)
        {
            Add(e, "conversation_length", l, new PointMetadata().With(metadata));
        }
    }

    private static void Evaluation(EventFields f, ExpandedEvent e)
    {
        var duration = f.Number("duration", required: true, min: 0, nonFinite: true);
        var success = f.Bool("success", required: true);
        var evaluator = f.Text("evaluator_type", required: true, isName: true);
        var model = f.Text("model_name", isName: true);
        var tokens = TokenFields.Select(n => (n, v: f.Number(n, min: 0, nonFinite: true))).ToArray();
        var metadata = UnknownFields.Merge(f, e, f.Object("metadata"), UnknownFields.Evaluation);
        CheckError(f);
        var scores = EvaluationScores.Read(f);
        if (f.HasErrors)
        {
            return;
        }

        Add(e, "evaluation_time", duration!.Value,
            new PointMetadata().Tag("evaluator_type", evaluator).Tag("success", success!.Value).With(metadata));
        foreach (var (name, value, feedback) in scores)
        {
            Add(e, $"evaluation_score_{name}", value,
                new PointMetadata().Tag("evaluator_type", evaluator).Tag("feedback", feedback).With(metadata));
        }
        if (f.TryGet("error", out var error))
        {
            Add(e, "evaluation_error_rate", EventFields.IsTruthy(error) ? 1 : 0,
                new PointMetadata().Tag("evaluator_type", evaluator).With(metadata));
        }
        AddTokens(e, tokens, model, metadata);
    }

    private static void Metric(EventFields f, ExpandedEvent e)
    {
        var name = f.Text("name", required: true, isName: true);
        var value = f.Number("value", required: true, nonFinite: true, booleans: true);
        var metadata = UnknownFields.Merge(f, e, f.Object("metadata"), UnknownFields.Metric);
        if (f.HasErrors)
        {
            return;
        }
        Add(e, name!, value!.Value, new PointMetadata().With(metadata));
    }

    private static void Log(EventFields f, ExpandedEvent e)
    {
        var level = f.Text("level", isName: true) ?? "info";
        var message = f.Text("message", required: true);
        var data = f.Object("data");
        if (level is not ("info" or "warning" or "error"))
        {
            f.Fail("level", "'level' must be info, warning or error.");
        }
        if (f.HasErrors)
        {
            return;
        }
        e.Log = new LogRecord(e.Timestamp, level, message!, data?.GetRawText());
    }

    private static void Prediction(EventFields f, ExpandedEvent e)
    {
        var label = f.Text("prediction", required: true, isName: true);
        var confidence = f.Number("confidence", required: true, min: 0, max: 1);
        var processing = f.Number("processing_time", min: 0);
        var version = f.Text("model_version", isName: true);
        var textLength = f.Number("text_length", min: 0);
        var wordCount = f.Number("word_count", min: 0);
        var hash = f.Text("text_hash", isName: true);
        var client = f.Text("client_id", isName: true);
        var agent = f.Text("user_agent");
        var session = f.Text("session_id", isName: true);
        var text = f.Text("text", maxLength: int.MaxValue);
        if (f.HasErrors)
        {
            return;
        }
        if (text is not null)
        {
            // The text itself is never stored: only what the PredictionMonitor keeps of it.
            hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
            textLength = text.Length;
            wordCount = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }
        PointMetadata Tags() => new PointMetadata()
            .Tag("label", label).Tag("model_version", version).Tag("text_length", textLength)
            .Tag("word_count", wordCount).Tag("text_hash", hash).Tag("client_id", client)
            .Tag("user_agent", agent).Tag("session_id", session);
        Add(e, "prediction_confidence", confidence!.Value, Tags());
        if (processing is { } p)
        {
            Add(e, "prediction_processing_time", p, Tags());
        }
    }

    private static void PredictionError(EventFields f, ExpandedEvent e)
    {
        var type = f.Text("error_type", isName: true) ?? "unknown";
        var message = f.Text("error_message");
        var context = f.Object("context");
        if (f.HasErrors)
        {
            return;
        }
        Add(e, "prediction_error", 1,
            new PointMetadata().Tag("error_type", type).Tag("error_message", message).Tag("context", context));
    }

    private static void Pipeline(EventFields f, ExpandedEvent e)
    {
        var pipeline = f.Text("pipeline", required: true, isName: true);
        var time = f.Number("execution_time", required: true, min: 0);
        var success = f.Bool("success", required: true);
        var metadata = f.Object("metadata");
        if (f.HasErrors)
        {
            return;
        }
        Add(e, "pipeline_execution_time", time!.Value, new PointMetadata().Tag("pipeline", pipeline).With(metadata));
        Add(e, "pipeline_success", success!.Value ? 1 : 0, new PointMetadata().Tag("pipeline", pipeline).With(metadata));
    }

    // afterimage tests error for truthiness, so any JSON type is allowed; only over-long text is refused.
    private static void CheckError(EventFields f)
    {
        if (f.TryGet("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            f.Text("error");
        }
    }

    private static void AddTokens(ExpandedEvent e, (string Name, double? Value)[] tokens, string? model, JsonElement? metadata)
    {
        foreach (var (name, value) in tokens)
        {
            if (value is { } v)
            {
                Add(e, name, v, new PointMetadata().Model(model).With(metadata));
            }
        }
    }

    private static bool IsNull(EventFields f, string field) => f.TryGet(field, out var v) && v.ValueKind == JsonValueKind.Null;

    private static void Add(ExpandedEvent e, string name, double value, PointMetadata metadata) =>
        e.Points.Add(metadata.Point(name, e.Timestamp, value));

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
