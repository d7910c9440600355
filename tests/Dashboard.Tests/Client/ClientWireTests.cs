using System.Text.Json;
using Dashboard.Client;
using RunGoal = Dashboard.Client.RunGoal;

namespace Dashboard.Tests.Client;

/// <summary>The client's events on the wire: README's ingest contract, field for field.</summary>
public sealed class ClientWireTests
{
    private static JsonElement Wire(DashboardEvent e) =>
        JsonSerializer.SerializeToElement(e, ClientJson.Options);

    [Fact]
    public void Serialize_Generation_TypeFirstSnakeCaseAndUnsetFieldsAbsent()
    {
        var json = JsonSerializer.Serialize<DashboardEvent>(new GenerationEvent
        {
            Duration = 1.5, Success = true, ModelName = "gpt-4o-mini", PromptTokenCount = 200, Id = "a", Timestamp = DateTimeOffset.UnixEpoch,
        }, ClientJson.Options);

        json.Should().Be("""{"type":"generation","duration":1.5,"success":true,"model_name":"gpt-4o-mini","prompt_token_count":200,"id":"a","timestamp":"1970-01-01T00:00:00+00:00"}""");
    }

    [Fact]
    public void Serialize_ArgumentsSetToNull_WrittenAsNullAsAfterimageKeywordsAre()
    {
        var wire = Wire(new GenerationEvent { Duration = 1, Success = false, ModelName = null, FinishReason = null, Error = null });

        wire.GetProperty("model_name").ValueKind.Should().Be(JsonValueKind.Null);
        wire.GetProperty("finish_reason").ValueKind.Should().Be(JsonValueKind.Null);
        wire.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        Wire(new GenerationEvent { Duration = 1, Success = false }).TryGetProperty("model_name", out _).Should().BeFalse();
        Wire(new EvaluationEvent { Duration = 1, Success = false, EvaluatorType = "j", Error = "timeout" })
            .GetProperty("error").GetString().Should().Be("timeout");
    }

    [Fact]
    public void Serialize_NonFiniteValues_WrittenAsTheStringsTheServerKeeps()
    {
        var metric = Wire(new MetricEvent { Name = "tokens_per_second", Value = double.PositiveInfinity });
        var evaluation = Wire(new EvaluationEvent
        {
            Duration = 1, Success = true, EvaluatorType = "judge",
            Scores = new Dictionary<string, EvaluationScore> { ["overall"] = double.NaN, ["coherence"] = new(3, "ok \"quoted\"\n") },
        });

        metric.GetProperty("value").GetString().Should().Be("Infinity");
        evaluation.GetProperty("scores").GetProperty("overall").GetProperty("score").GetString().Should().Be("NaN");
        evaluation.GetProperty("scores").GetProperty("coherence").GetProperty("feedback").GetString().Should().Be("ok \"quoted\"\n");
    }

    [Fact]
    public void Serialize_EveryEventType_CarriesItsDiscriminator()
    {
        DashboardEvent[] events =
        [
            new MetricEvent { Name = "m", Value = 1 }, new LogEvent { Message = "x" },
            new PredictionEvent { Prediction = "p", Confidence = 0.5 }, new PredictionErrorEvent(),
            new PipelineExecutionEvent { Pipeline = "p", ExecutionTime = 1, Success = true },
        ];

        events.Select(e => Wire(e).GetProperty("type").GetString()).Should()
            .Equal("metric", "log", "prediction", "prediction_error", "pipeline_execution");
    }
    [Fact]
    public void Serialize_CachedTokens_WrittenForGenerationAndEvaluation()
    {
        Wire(new GenerationEvent { Duration = 1, Success = true, PromptTokenCount = 1000, CachedTokenCount = 600 })
            .GetProperty("cached_token_count").GetInt64().Should().Be(600);
        Wire(new EvaluationEvent { Duration = 1, Success = true, EvaluatorType = "j", CachedTokenCount = 5 })
            .GetProperty("cached_token_count").GetInt64().Should().Be(5);
        Wire(new GenerationEvent { Duration = 1, Success = true }).TryGetProperty("cached_token_count", out _).Should().BeFalse();
    }

    [Fact]
    public void ToWire_Goal_SnakeCaseUnsetAbsentDeadlineInUtc()
    {
        var goal = new RunGoal
        {
            Target = 500, TargetKind = GoalTargetKind.Accepted, AcceptScore = "quality", AcceptMin = 0.8, Budget = 12.5,
            Deadline = new DateTimeOffset(2030, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)),
        };

        var json = JsonSerializer.Serialize(goal.ToWire(), ClientJson.Options);
        var small = JsonSerializer.Serialize(new RunGoal { Target = 4 }.ToWire(), ClientJson.Options);

        json.Should().Be("""{"target":500,"target_kind":"accepted","deadline":"2030-01-01T00:00:00.000000Z","accept_score":"quality","accept_min":0.8,"budget":12.5}""");
        small.Should().Be("""{"target":4}""");
    }

    [Fact]
    public void Validate_GoalTheServerWouldRefuse_Throws()
    {
        RunGoal[] refused =
        [
            new(), new() { Target = 0 }, new() { Budget = -1 }, new() { Target = 5, TargetKind = GoalTargetKind.Accepted },
            new() { Target = 5, AcceptMin = 0.5 }, new() { AcceptScore = " " }, new() { Budget = double.NaN },
        ];

        foreach (var goal in refused)
        {
            goal.Invoking(g => g.Validate()).Should().Throw<ArgumentException>(goal.ToString());
        }
        new RunGoal { Deadline = DateTimeOffset.UnixEpoch }.Invoking(g => g.Validate()).Should().NotThrow();
    }
}
