using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Costs;

/// <summary>
/// The goal dialog's fields as typed. <see cref="Build"/> turns them into the same JSON the API takes and checks it with
/// the API's own parser (<see cref="RunGoal.Parse"/>), so the page and PUT /api/v1/runs/{run}/goal refuse the same
/// input with the same words, each next to its field.
/// </summary>
public sealed class GoalDraft : FieldDraft
{
    public string Target { get; set; } = "";
    public string Kind { get; set; } = "samples";
    public string Deadline { get; set; } = "";
    public string AcceptScore { get; set; } = "";
    public string AcceptMin { get; set; } = "";
    public string Budget { get; set; } = "";

    public static GoalDraft From(GoalResponse? goal) => goal is null ? new GoalDraft() : new GoalDraft
    {
        Target = goal.Target?.ToString(CultureInfo.InvariantCulture) ?? "",
        Kind = goal.TargetKind,
        Deadline = goal.Deadline?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "",
        AcceptScore = goal.AcceptScore ?? "",
        AcceptMin = goal.AcceptMin?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        Budget = goal.Budget?.ToString("R", CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The goal, or null with <see cref="FieldDraft.Errors"/> filled (one message per field).</summary>
    public RunGoal? Build()
    {
        Errors.Clear();
        var body = new JsonObject();
        PutNumber(body, "target", Target);
        body["target_kind"] = Kind;
        var deadline = Deadline.Trim();
        if (deadline.Length > 0)
        {
            // Digits alone are Unix seconds, as on the wire; anything else is read as ISO-8601.
            body["deadline"] = long.TryParse(deadline, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? JsonValue.Create(seconds) : JsonValue.Create(deadline);
        }
        if (AcceptScore.Trim().Length > 0)
        {
            body["accept_score"] = AcceptScore.Trim();
        }
        PutNumber(body, "accept_min", AcceptMin);
        PutNumber(body, "budget", Budget);
        using var doc = JsonDocument.Parse(body.ToJsonString());
        var (goal, errors) = RunGoal.Parse(doc.RootElement);
        foreach (var e in errors)
        {
            Errors.TryAdd(e.Field, e.Message);
        }
        return goal;
    }
}
