using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

/// <summary>Each event type, posted over HTTP, is stored as exactly the points afterimage would record.</summary>
public sealed class ExpansionTests : HostedTest
{

    private async Task<List<StoredPoints.Row>> PostAndReadAsync(string run, object evt)
    {
        using var response = await Json.PostIngestAsync(Http, run, evt);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return StoredPoints.Read(Factory.DatabasePath, run);
    }

    private static Dictionary<string, JsonElement> Meta(StoredPoints.Row row) =>
        row.Metadata is null ? [] : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(row.Metadata)!;

    [Fact]
    public async Task PostIngest_Generation_StoresAfterimagePoints()
    {
        var rows = await PostAndReadAsync("gen", new
        {
            type = "generation", timestamp = "2026-11-20T09:00:08.556856", duration = 7.463, success = false,
            model_name = "meta-llama/Llama-3.1-8B", finish_reason = "length", error = "RateLimitError",
            prompt_token_count = 812, completion_token_count = 0, total_token_count = (int?)null,
            conversation_length = 4, metadata = new { prompt_type = "respondent" },
        });

        rows.Select(r => (r.Name, r.Value, r.ModelName)).Should().Equal(
            ("generation_time", 7.463, null), ("success_rate", 0d, null), ("error_rate", 1d, null),
            ("model_usage:meta-llama/Llama-3.1-8B", 1d, null), ("finish_reason:length", 1d, null),
            ("prompt_token_count", 812d, "meta-llama/Llama-3.1-8B"), ("completion_token_count", 0d, "meta-llama/Llama-3.1-8B"),
            ("conversation_length", 4d, null));
        rows.Should().OnlyContain(r => r.Timestamp == Ingest.Micros("2026-11-20T09:00:08.556856Z"));
        rows.Should().OnlyContain(r => Meta(r)["prompt_type"].GetString() == "respondent");
    }

    [Fact]
    public async Task PostIngest_GenerationWithoutErrorKey_StoresNoErrorRate()
    {
        var rows = await PostAndReadAsync("gen-ok", new { type = "generation", duration = 1.0, success = true });

        rows.Select(r => r.Name).Should().Equal("generation_time", "success_rate");
    }

    [Fact]
    public async Task PostIngest_GenerationWithFalsyError_StoresErrorRateZero()
    {
        var rows = await PostAndReadAsync("gen-falsy", new { type = "generation", duration = 1.0, success = true, error = "" });

        rows.Single(r => r.Name == "error_rate").Value.Should().Be(0);
    }

    [Fact]
    public async Task PostIngest_Evaluation_StoresScoresWithFeedbackAndTags()
    {
        var rows = await PostAndReadAsync("eval", new
        {
            type = "evaluation", duration = 2.5, success = true, evaluator_type = "llm_judge", error = (string?)null,
            model_name = "gpt-4o", prompt_token_count = 600, completion_token_count = 90, total_token_count = 690,
            scores = new Dictionary<string, object> { ["overall"] = 0.8, ["coherence"] = new { score = 0.6, feedback = "says \"hi\" = ok" }, ["empty"] = new { feedback = "none" } },
        });

        rows.Select(r => (r.Name, r.Value)).Should().Equal(
            ("evaluation_time", 2.5), ("evaluation_score_overall", 0.8), ("evaluation_score_coherence", 0.6),
            ("evaluation_score_empty", 0d), ("evaluation_error_rate", 0d),
            ("prompt_token_count", 600d), ("completion_token_count", 90d), ("total_token_count", 690d));
        var time = Meta(rows[0]);
        time["evaluator_type"].GetString().Should().Be("llm_judge");
        time["success"].GetBoolean().Should().BeTrue();
        Meta(rows[1])["feedback"].ValueKind.Should().Be(JsonValueKind.Null);
        Meta(rows[2])["feedback"].GetString().Should().Be("says \"hi\" = ok");
        Meta(rows[4]).Should().ContainKey("evaluator_type").And.NotContainKey("feedback");
        rows.Where(r => r.Name.EndsWith("token_count", StringComparison.Ordinal)).Should().OnlyContain(r => r.ModelName == "gpt-4o");
    }

    [Fact]
    public async Task PostIngest_Metric_TagsModelNameFromMetadata()
    {
        var rows = await PostAndReadAsync("metric", new
        {
            type = "metric", name = "model_creation_time", value = 0.41, metadata = new { model_name = "gpt-4o-mini", success = true },
        });

        var row = rows.Single();
        (row.Name, row.Value, row.ModelName).Should().Be(("model_creation_time", 0.41, "gpt-4o-mini"));
        Meta(row).Keys.Should().Equal("success");
    }

    [Fact]
    public async Task PostIngest_Log_StoresLogLineOnly()
    {
        using var response = await Json.PostIngestAsync(Http, "logs", new { type = "log", level = "warning", message = "slow <b>", data = new { k = 1 } });
        response.StatusCode.Should().Be(HttpStatusCode.OK);

        var logs = await Json.GetAsync(Http, "/api/v1/runs/logs/logs?level=warning");
        logs.EnumerateArray().Single().GetProperty("message").GetString().Should().Be("slow <b>");
        StoredPoints.Read(Factory.DatabasePath, "logs").Should().BeEmpty();
    }

    [Fact]
    public async Task PostIngest_Prediction_KeepsHashNotText()
    {
        var rows = await PostAndReadAsync("pred", new
        {
            type = "prediction", prediction = "positive", confidence = 0.91, processing_time = 0.12,
            model_version = "v3", text = "the secret text here", client_id = "c1",
        });

        rows.Select(r => (r.Name, r.Value)).Should().Equal(("prediction_confidence", 0.91), ("prediction_processing_time", 0.12));
        var meta = Meta(rows[0]);
        meta["label"].GetString().Should().Be("positive");
        meta["text_length"].GetDouble().Should().Be(20);
        meta["word_count"].GetDouble().Should().Be(4);
        meta["text_hash"].GetString().Should().HaveLength(16);
        rows.Should().OnlyContain(r => !r.Metadata!.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostIngest_PredictionErrorAndPipeline_StoreTaggedPoints()
    {
        await PostAndReadAsync("ops", new { type = "prediction_error", error_type = "Timeout", error_message = "slow", context = new { batch = 2 } });
        var rows = await PostAndReadAsync("ops", new { type = "pipeline_execution", pipeline = "embed", execution_time = 12.5, success = false, metadata = new { stage = 3 } });

        rows.Select(r => (r.Name, r.Value)).Should().Equal(("prediction_error", 1d), ("pipeline_execution_time", 12.5), ("pipeline_success", 0d));
        Meta(rows[0])["error_type"].GetString().Should().Be("Timeout");
        Meta(rows[1])["pipeline"].GetString().Should().Be("embed");
        Meta(rows[2])["stage"].GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task PostIngest_UnixSecondsTimestamp_StoredAsMicros()
    {
        var rows = await PostAndReadAsync("unix", new { type = "metric", name = "x", value = 1, timestamp = 1763629208.5 });

        rows.Single().Timestamp.Should().Be(1_763_629_208_500_000);
    }
}
