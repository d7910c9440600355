using System.Text.Json;

namespace Dashboard.Core;

/// <summary>What counts towards a run's target: successful generations, or accepted samples (evaluation scores at or
/// above the acceptance threshold).</summary>
public enum GoalKind
{
    Samples,
    Accepted,
}

/// <summary>
/// A run's target and deadline, and (optionally) its own acceptance rule: evaluation score <see cref="AcceptScore"/> at
/// least <see cref="AcceptMin"/> (which, when null, falls back to the threshold set for that score name), and a
/// <see cref="Budget"/> (in the price table's currency) that budget alert rules compare the projected cost with.
/// </summary>
public sealed record RunGoal(long? Target, GoalKind Kind, long? DeadlineMicros, string? AcceptScore, double? AcceptMin, double? Budget = null)
{
    public const long MaxTarget = 1_000_000_000_000;

    public static string KindText(GoalKind kind) => kind == GoalKind.Accepted ? "accepted" : "samples";

    /// <summary>
    /// Reads <c>{"target", "target_kind": "samples"|"accepted", "deadline", "accept_score", "accept_min", "budget"}</c> (every
    /// field optional, but a goal must say something); faults name their field under <paramref name="path"/>.
    /// </summary>
    public static (RunGoal? Goal, IReadOnlyList<FieldError> Errors) Parse(JsonElement e, string path = "")
    {
        var errors = new List<FieldError>();
        string F(string name) => path.Length == 0 ? name : $"{path}.{name}";
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, [new FieldError(path.Length == 0 ? "body" : path, "A run goal must be a JSON object.")]);
        }
        long? target = null;
        if (e.TryGetProperty("target", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) && n is >= 1 and <= MaxTarget)
            {
                target = n;
            }
            else
            {
                errors.Add(new FieldError(F("target"), $"'target' must be a whole number from 1 to {MaxTarget}."));
            }
        }
        var kind = GoalKind.Samples;
        if (e.TryGetProperty("target_kind", out var k) && k.ValueKind != JsonValueKind.Null)
        {
            switch (k.ValueKind == JsonValueKind.String ? k.GetString() : null)
            {
                case "samples":
                    break;
                case "accepted":
                    kind = GoalKind.Accepted;
                    break;
                default:
                    errors.Add(new FieldError(F("target_kind"), "'target_kind' must be \"samples\" or \"accepted\"."));
                    break;
            }
        }
        long? deadline = null;
        if (e.TryGetProperty("deadline", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (Timestamps.TryRead(d, out var micros) is null)
            {
                deadline = micros;
            }
            else
            {
                errors.Add(new FieldError(F("deadline"), "'deadline' must be ISO-8601 (e.g. 2026-12-01T18:00:00Z) or Unix seconds."));
            }
        }
        string? score = null;
        if (e.TryGetProperty("accept_score", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            score = s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrWhiteSpace(score) || score.Length > 200 || score.Any(char.IsControl))
            {
                errors.Add(new FieldError(F("accept_score"), "'accept_score' must be a score name of 1 to 200 characters, e.g. \"quality\"."));
                score = null;
            }
        }
        double? min = null;
        if (e.TryGetProperty("accept_min", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind == JsonValueKind.Number && m.TryGetDouble(out var v) && double.IsFinite(v))
            {
                min = v;
            }
            else
            {
                errors.Add(new FieldError(F("accept_min"), "'accept_min' must be a finite number."));
            }
        }
        double? budget = null;
        if (e.TryGetProperty("budget", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind == JsonValueKind.Number && b.TryGetDouble(out var v) && double.IsFinite(v) && v >= 0)
            {
                budget = v;
            }
            else
            {
                errors.Add(new FieldError(F("budget"), "'budget' must be a number of at least 0 (in the price table's currency)."));
            }
        }
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name is not ("target" or "target_kind" or "deadline" or "accept_score" or "accept_min" or "budget"))
            {
                errors.Add(new FieldError(F(p.Name), $"'{p.Name}' is not a field of a run goal."));
            }
        }
        if (errors.Count == 0 && target is null && deadline is null && score is null && budget is null)
        {
            errors.Add(new FieldError(F("target"), "A run goal needs at least a 'target', a 'deadline', an 'accept_score' or a 'budget'."));
        }
        if (errors.Count == 0 && kind == GoalKind.Accepted && score is null)
        {
            errors.Add(new FieldError(F("accept_score"), "'target_kind' \"accepted\" needs 'accept_score': which evaluation score decides acceptance."));
        }
        if (errors.Count == 0 && min is not null && score is null)
        {
            errors.Add(new FieldError(F("accept_score"), "'accept_min' needs 'accept_score': the score it applies to."));
        }
        return errors.Count > 0 ? (null, errors) : (new RunGoal(target, kind, deadline, score, min, budget), errors);
    }
}
