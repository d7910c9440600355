using Dashboard.Ingest;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Otlp;

/// <summary>
/// The gen_ai.evaluation.result event (a span event or a log record): evaluation_score_&lt;name&gt; with
/// the score as value, its explanation as feedback and its label as a tag, as ingest's evaluation scores.
/// </summary>
internal static class GenAiEvaluation
{
    public const string EventName = "gen_ai.evaluation.result";
    private const string Prefix = "evaluation_score_";

    /// <summary>The evaluation event, or null (and a rejection) when it has no name or no numeric score.</summary>
    public static ExpandedEvent? Map(RepeatedField<KeyValue> a, long ts, string? id, IngestOptions limits, OtlpBatch batch)
    {
        var name = OtlpAttributes.String(a, "gen_ai.evaluation.name");
        var score = OtlpAttributes.Number(a, "gen_ai.evaluation.score.value");
        if (name is null || !OtlpNames.IsValid(Prefix + name, limits.MaxNameLength) || score is null)
        {
            batch.Reject(1, $"A {EventName} event needs gen_ai.evaluation.name (at most {limits.MaxNameLength - Prefix.Length} characters) and a numeric gen_ai.evaluation.score.value.");
            return null;
        }
        var explanation = OtlpAttributes.String(a, "gen_ai.evaluation.explanation");
        if (explanation is not null && explanation.Length > limits.MaxTextLength)
        {
            explanation = explanation[..limits.MaxTextLength];
        }
        var error = OtlpAttributes.String(a, "error.type");
        var e = new ExpandedEvent { Id = id, Timestamp = ts, Type = "evaluation" };
        e.Points.Add(new PointMetadata()
            .Tag("evaluator_type", "otlp")
            .Tag("feedback", explanation)
            .Tag("label", OtlpAttributes.String(a, "gen_ai.evaluation.score.label"))
            .Tag("response_id", OtlpAttributes.String(a, "gen_ai.response.id"))
            .Point(Prefix + name, ts, score.Value));
        if (error is not null)
        {
            e.Points.Add(new PointMetadata().Tag("evaluator_type", "otlp").Tag("error", error).Point("evaluation_error_rate", ts, 1));
        }
        return e;
    }
}
