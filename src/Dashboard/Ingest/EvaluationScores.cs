using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// An evaluation event's scores, as afterimage's track_evaluation reads them: name -> number, or
/// {score, feedback} (score defaults to 0). NaN, Infinity and -Infinity are kept (a judge that did not
/// parse scores NaN), booleans read as 1/0.
/// </summary>
internal static class EvaluationScores
{
    public static List<(string Name, double Value, string? Feedback)> Read(EventFields f)
    {
        var result = new List<(string, double, string?)>();
        if (!f.TryGet("scores", out var scores) || scores.ValueKind == JsonValueKind.Null)
        {
            return result;
        }
        if (scores.ValueKind != JsonValueKind.Object)
        {
            f.Fail("scores", "'scores' must be an object of name -> number or {score, feedback}.");
            return result;
        }
        foreach (var p in scores.EnumerateObject())
        {
            var pointer = $"scores/{EscapePointer(p.Name)}";
            if (p.Name.Length == 0 || p.Name.Length + "evaluation_score_".Length > f.Limits.MaxNameLength || p.Name.Any(char.IsControl))
            {
                f.Fail(pointer, $"Score names must be 1 to {f.Limits.MaxNameLength - "evaluation_score_".Length} characters without control characters.");
                continue;
            }
            if (p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False || EventFields.NonFinite(p.Value) is not null)
            {
                // A judge that did not parse scores NaN; afterimage keeps it (its mean becomes nan), so do we.
                if (EventFields.NonFinite(p.Value) is { } special)
                {
                    result.Add((p.Name, special, null));
                }
                else if (p.Value.ValueKind != JsonValueKind.Number)
                {
                    result.Add((p.Name, p.Value.GetBoolean() ? 1 : 0, null));
                }
                else if (p.Value.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    result.Add((p.Name, d, null));
                }
                else
                {
                    f.Fail(pointer, "A score must be a number (NaN, Infinity and -Infinity are kept).");
                }
                continue;
            }
            if (p.Value.ValueKind != JsonValueKind.Object)
            {
                f.Fail(pointer, "A score must be a number or an object {score, feedback}.");
                continue;
            }
            var inner = new EventFields(p.Value, f.Index, f.Limits, []);
            var score = inner.Number("score", nonFinite: true, booleans: true);
            var feedback = inner.Text("feedback");
            if (inner.HasErrors)
            {
                f.Fail(pointer, "A score object needs 'score' as a finite number (default 0) and 'feedback' as a string.");
                continue;
            }
            result.Add((p.Name, score ?? 0, feedback));
        }
        return result;
    }

    private static string EscapePointer(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
