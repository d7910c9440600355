using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Client;

public sealed class ClientBatchingTests : HostedTest
{
    [Fact]
    public async Task DisposeAsync_EventsStillBuffered_AllStoredInBatchesOfBatchSize()
    {
        var handler = ScriptedHandler.PassThrough();
        using var http = new HttpClient(handler);
        var client = ClientTestRun.Create(Factory, "batched", http, batchSize: 100);

        for (var i = 0; i < 250; i++)
        {
            await client.TrackGenerationAsync(ClientTestRun.Generation(i));
        }
        for (var i = 0; i < 40; i++)
        {
            client.RecordMetric("turns", i, new Dictionary<string, object?> { ["model_name"] = "gpt-4o-mini" });
        }
        client.LogWarning("done", new { batches = 3 });
        await client.DisposeAsync();

        await using var queries = new DashboardQueries(Factory.BaseAddress, "batched");
        (await queries.GetStatsAsync("generation_time")).Count.Should().Be(250);
        (await queries.GetStatsAsync("turns")).Should().Match<MetricStats>(s => s.Count == 40 && s.Min == 0 && s.Max == 39);
        (await queries.GetTokenUsageAsync()).TotalPromptTokens.Should().Be(Enumerable.Range(0, 250).Sum(i => 100L + i));
        var logs = await Json.GetAsync(Http, "/api/v1/runs/batched/logs");
        logs.ToString().Should().Contain("done");
        handler.Ingests.Select(r => r.Events).Should().Equal(new[] { 100, 100, 91 }, "a batch is sent when full, the rest at dispose");
        client.Status.Should().BeEquivalentTo(new DeliveryStatus(291, 0, 0, 0, null));
    }

    [Fact]
    public async Task FlushInterval_FewEvents_SentWithoutFlushOrDispose()
    {
        await using var client = ClientTestRun.Create(Factory, "interval", flushInterval: TimeSpan.FromMilliseconds(200));

        await client.TrackEvaluationAsync(new EvaluationEvent
        {
            Duration = 2.5, Success = true, EvaluatorType = "llm_judge",
            Scores = new Dictionary<string, EvaluationScore> { ["overall"] = 0.75, ["coherence"] = new(0.5, "Says \"maybe\"\nthen = stops") },
        });
        client.RecordMetric("custom", 3);

        await using var queries = new DashboardQueries(Factory.BaseAddress, "interval");
        await WaitFor.ConditionAsync(async () => await queries.CountAsync("evaluation_time") == 1 && await queries.CountAsync("custom") == 1,
            because: "the interval flushes a batch that never fills");
        (await client.GetStatsAsync("evaluation_score_coherence")).Mean.Should().Be(0.5);
        var export = await Json.GetAsync(Http, "/api/v1/runs/interval/export?format=json&window=all");
        export.GetProperty("evaluation_score_coherence")[0].GetProperty("feedback").GetString().Should().Be("Says \"maybe\"\nthen = stops");
    }

    [Fact]
    public async Task FlushAsync_Buffered_ReturnsOnceStored()
    {
        await using var client = ClientTestRun.Create(Factory, "flushed");
        var at = new DateTimeOffset(2026, 11, 20, 9, 0, 8, 556, TimeSpan.Zero);

        await client.TrackGenerationAsync(ClientTestRun.Generation(1) with { Timestamp = at });
        await client.TrackPipelineExecutionAsync(new PipelineExecutionEvent { Pipeline = "embed", ExecutionTime = 12, Success = true });
        await client.TrackPredictionAsync(new PredictionEvent { Prediction = "positive", Confidence = 0.9, Text = "great product" });
        await client.TrackPredictionErrorAsync(new PredictionErrorEvent { ErrorType = "ModelTimeout" });
        await client.FlushAsync();

        (await client.GetStatsAsync("generation_time")).Count.Should().Be(1);
        (await client.GetStatsAsync("pipeline_execution_time")).Count.Should().Be(1);
        (await client.GetStatsAsync("prediction_confidence")).Mean.Should().Be(0.9);
        (await client.GetStatsAsync("prediction_error")).Count.Should().Be(1);
        var series = await Json.GetAsync(Http, "/api/v1/runs/flushed/metrics");
        series.ToString().Should().Contain("2026-11-20T09:00:08.556", "the event's own timestamp is sent, not the send time");
    }

    [Fact]
    public async Task RecordMetric_BufferFull_DropsAndReportsWithoutThrowing()
    {
        var release = new TaskCompletionSource();
        using var http = new HttpClient(new ScriptedHandler(async (_, forward) =>
        {
            await release.Task;
            return await forward();
        }));
        var failures = new List<DeliveryFailure>();
        await using var client = ClientTestRun.Create(Factory, "full", http, batchSize: 1, capacity: 2, flushInterval: TimeSpan.FromMilliseconds(10));
        client.DeliveryFailed += (_, f) => failures.Add(f);

        for (var i = 0; i < 10; i++)
        {
            client.RecordMetric("m", i);
        }
        release.SetResult();
        await client.FlushAsync();

        var dropped = failures.Sum(f => f.Events);
        failures.Should().OnlyContain(f => f.Kind == DeliveryFailureKind.BufferFull);
        dropped.Should().BeInRange(7, 8, "the buffer holds 2 and the send loop may hold 1 more");
        client.Status.Should().Match<DeliveryStatus>(s => s.Failed == dropped && s.Sent == 10 - dropped);
        (await client.GetStatsAsync("m")).Count.Should().Be(10 - dropped);
    }
}
