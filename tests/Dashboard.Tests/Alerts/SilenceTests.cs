using System.Text.Json;
using Dashboard.Alerts;
using Dashboard.Ingest;
using Dashboard.Storage;

namespace Dashboard.Tests.Alerts;

/// <summary>Silences: matching, their start and end on the fake clock, and what a silenced alert sends.</summary>
public sealed class SilenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Silence Make(string? rule = null, string? run = null, Dictionary<string, string>? labels = null) =>
        new(1, rule, run, labels, T0, T0.AddHours(1), "why", null, T0, T0);

    [Fact]
    public void Matches_RuleFamily_CoversEveryPipeline()
    {
        var silence = Make(rule: BuiltInRules.PipelineErrorRate);

        silence.Matches("pipeline_error_rate:etl", "r", "error").Should().BeTrue();
        silence.Matches(BuiltInRules.PipelinePerformance + ":etl", "r", "warning").Should().BeFalse();
    }

    [Fact]
    public void Matches_RunAndLabel_AllMustAgree()
    {
        var silence = Make(run: "r1", labels: new() { ["severity"] = "warning" });

        silence.Matches(BuiltInRules.LowSuccessRate, "r1", "warning").Should().BeTrue();
        silence.Matches(BuiltInRules.LowSuccessRate, "r2", "warning").Should().BeFalse();
        silence.Matches(BuiltInRules.HighErrorRate, "r1", "error").Should().BeFalse();
    }

    [Fact]
    public void IsActiveAt_StartInclusiveEndExclusive()
    {
        var silence = Make(rule: "x");

        silence.IsActiveAt(T0.AddTicks(-1)).Should().BeFalse();
        silence.IsActiveAt(T0).Should().BeTrue();
        silence.IsActiveAt(T0.AddHours(1).AddTicks(-1)).Should().BeTrue();
        silence.IsActiveAt(T0.AddHours(1)).Should().BeFalse();
        silence.StateAt(T0.AddHours(1)).Should().Be(Silence.Expired);
    }

    [Theory]
    [InlineData("""{"reason":"r"}""", "rule")]
    [InlineData("""{"rule":"x","duration":"1h"}""", "reason")]
    [InlineData("""{"rule":"x","reason":"r"}""", "ends_at")]
    [InlineData("""{"rule":"x","reason":"r","duration":"soon"}""", "duration")]
    [InlineData("""{"rule":"x","reason":"r","ends_at":"2020-01-01T00:00:00Z"}""", "ends_at")]
    [InlineData("""{"rule":"x","reason":"r","duration":"1h","labels":{"team":"a"}}""", "labels.team")]
    [InlineData("""{"rule":"x","reason":"r","duration":"1h","starts_at":"tomorrow"}""", "starts_at")]
    public void Parse_BadField_NamesIt(string json, string field)
    {
        var (_, error) = SilenceRequest.Parse(JsonSerializer.Deserialize<JsonElement>(json), Timestamps.ToMicros(T0));

        error.Should().NotBeNull();
        error!.Field.Should().Be(field);
    }

    [Fact]
    public async Task Evaluate_SilenceFromStartToEnd_HoldsFireBackThenSendsIt()
    {
        using var db = new AlertTestDb();
        await db.EditSettingsAsync(s => s.Rules[BuiltInRules.HighErrorRate].Enabled = false);
        var start = db.Clock.GetUtcNow().AddSeconds(10);
        await db.Silences.AddAsync(new SilenceEntity
        {
            Rule = BuiltInRules.LowSuccessRate, Reason = "known outage", CreatedAt = Timestamps.ToMicros(start),
            StartsAt = Timestamps.ToMicros(start), EndsAt = Timestamps.ToMicros(start.AddSeconds(60)),
        });
        db.AddPoints("other", "success_rate", [0]);
        await db.EvaluateAsync();
        var beforeStart = db.Sink.Changes.ToList();

        db.Clock.Advance(TimeSpan.FromSeconds(10));
        db.AddPoints("r", "success_rate", [0]);
        var atStart = await db.EvaluateAsync();
        db.Clock.Advance(TimeSpan.FromSeconds(59));
        var beforeEnd = await db.EvaluateAsync();
        var listed = await db.Store.GetAsync("r", null, null, 10, silences: await db.Silences.GetActiveAsync());
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        var atEnd = await db.EvaluateAsync();

        beforeStart.Should().ContainSingle(c => c.Alert.Run == "other").Which.Notify.Should().BeTrue("the silence has not started");
        atStart.Should().ContainSingle(c => c.Alert.Run == "r").Which.Should().Match<AlertChange>(c => !c.Notify && c.Alert.Silenced);
        beforeEnd.Should().BeEmpty();
        listed.Should().ContainSingle().Which.Silenced.Should().BeTrue("a silenced alert still shows, marked");
        atEnd.Should().ContainSingle(c => c.Alert.Run == "r").Which.Should().Match<AlertChange>(c => c.Notify && !c.Alert.Silenced);
    }

    [Fact]
    public async Task Evaluate_ResolvedWhileSilenced_SendsNothing()
    {
        using var db = new AlertTestDb();
        var now = Timestamps.ToMicros(db.Clock.GetUtcNow());
        await db.Silences.AddAsync(new SilenceEntity { Run = "r", Reason = "test run", StartsAt = now, EndsAt = now + 3_600_000_000, CreatedAt = now });
        db.AddPoints("r", "success_rate", [0]);
        await db.EvaluateAsync();

        db.Clock.Advance(TimeSpan.FromSeconds(301));
        await db.EvaluateAsync();

        db.Alerts().Should().OnlyContain(a => a.State == AlertState.Resolved);
        db.Sink.Changes.Should().NotContain(c => c.Notify);
    }

    [Fact]
    public async Task Expire_PendingSilence_NeverStarts()
    {
        using var db = new AlertTestDb();
        var now = Timestamps.ToMicros(db.Clock.GetUtcNow());
        var added = await db.Silences.AddAsync(new SilenceEntity
        {
            Rule = "x", Reason = "later", StartsAt = now + 60_000_000, EndsAt = now + 120_000_000, CreatedAt = now,
        });

        var expired = await db.Silences.ExpireAsync(added.Id);
        db.Clock.Advance(TimeSpan.FromSeconds(90));

        added.State.Should().Be(Silence.Pending);
        expired!.State.Should().Be(Silence.Expired);
        (await db.Silences.GetAsync(Silence.Active)).Should().BeEmpty();
        (await db.Silences.ExpireAsync(999)).Should().BeNull();
    }
}
