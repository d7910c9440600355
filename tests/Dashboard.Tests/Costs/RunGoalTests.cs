using System.Text.Json;
using Dashboard.Costs;

namespace Dashboard.Tests.Costs;

public sealed class RunGoalTests
{
    private static (RunGoal? Goal, IReadOnlyList<string> Fields) Parse(string json, string path = "")
    {
        using var doc = JsonDocument.Parse(json);
        var (goal, errors) = RunGoal.Parse(doc.RootElement.Clone(), path);
        return (goal, errors.Select(e => e.Field).ToList());
    }

    [Fact]
    public void Parse_FullGoal_AllFields()
    {
        var (goal, fields) = Parse("""{"target": 500, "target_kind": "accepted", "deadline": "2026-12-01T18:00:00Z", "accept_score": "quality", "accept_min": 0.8, "budget": 20}""");

        fields.Should().BeEmpty();
        goal.Should().Be(new RunGoal(500, GoalKind.Accepted,
            Timestamps.ToMicros(new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero)), "quality", 0.8, 20));
    }

    [Theory]
    [InlineData("""{"target": 0}""", "run_goal.target")]
    [InlineData("""{"target": 1.5}""", "run_goal.target")]
    [InlineData("""{"target": "10"}""", "run_goal.target")]
    [InlineData("""{"target": 10, "target_kind": "done"}""", "run_goal.target_kind")]
    [InlineData("""{"target": 10, "deadline": "tomorrow"}""", "run_goal.deadline")]
    [InlineData("""{"target": 10, "target_kind": "accepted"}""", "run_goal.accept_score")]
    [InlineData("""{"target": 10, "accept_min": 0.5}""", "run_goal.accept_score")]
    [InlineData("""{"target": 10, "budget": -1}""", "run_goal.budget")]
    [InlineData("""{"target": 10, "tagret": 10}""", "run_goal.tagret")]
    [InlineData("""{}""", "run_goal.target")]
    [InlineData("""5""", "run_goal")]
    public void Parse_BadField_NamesField(string json, string field)
    {
        var (goal, fields) = Parse(json, "run_goal");

        goal.Should().BeNull();
        fields.Should().Contain(field);
    }
}
