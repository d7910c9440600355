using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>Prices through the API, cost of a run priced at query time, unpriced points, acceptance and bad input.</summary>
public sealed class CostApiTests : HostedTest
{
    private const string Run = "cost-run";

    private static readonly object Prices = new
    {
        prices = new object[]
        {
            new { model = "m-a", valid_from = "2025-01-01", input_per_million = 1.0, output_per_million = 2.0, currency = "USD" },
            new { model = "m-a", valid_from = "2025-06-01", input_per_million = 10.0, output_per_million = 20.0, currency = "USD" },
        },
    };

    private static object Generation(string timestamp, string model, long prompt, long completion, bool success = true) => new
    {
        type = "generation", timestamp, duration = 1.0, success, model_name = model,
        prompt_token_count = prompt, completion_token_count = completion, total_token_count = prompt + completion,
    };

    private static object Evaluation(string timestamp, double quality) => new
    {
        type = "evaluation", timestamp, duration = 0.5, success = true, evaluator_type = "judge", scores = new { quality },
    };

    protected override async Task SeedAsync()
    {
        using var put = await Http.PutAsync("/api/v1/settings/prices", Json.Content(Prices));
        put.EnsureSuccessStatusCode();
        using var ingest = await Json.PostIngestAsync(Http, Run,
            Generation("2025-05-31T23:59:59Z", "m-a", 1_000_000, 1_000_000),
            Generation("2025-06-01T00:00:00Z", "m-a", 1_000_000, 1_000_000),
            Generation("2025-06-01T01:00:00Z", "llama-local", 5_000, 1_000),
            Generation("2025-06-01T02:00:00Z", "m-a", 0, 0, success: false),
            Evaluation("2025-06-01T03:00:00Z", 0.9),
            Evaluation("2025-06-01T03:00:01Z", 0.5));
        ingest.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task GetPrices_FreshDatabase_StarterTableInUsd()
    {
        await using var fresh = new DashboardFactory();
        using var http = fresh.CreateHttpClient();

        var table = await Json.GetAsync(http, "/api/v1/settings/prices");

        table.GetProperty("currency").GetString().Should().Be("USD");
        var models = table.GetProperty("prices").EnumerateArray().Select(p => p.GetProperty("model").GetString()).ToList();
        models.Should().Contain(["gpt-4o-mini*", "claude-3-5-sonnet*", "gemini-2.5-pro*"]);
    }

    [Fact]
    public async Task GetRunCost_PriceChangesAtMidnight_EachPointAtItsDaysPrice()
    {
        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");

        cost.GetProperty("cost").GetDouble().Should().BeApproximately(3 + 30, 1e-9);
        cost.GetProperty("currency").GetString().Should().Be("USD");
        cost.GetProperty("generations").GetInt64().Should().Be(4);
        cost.GetProperty("successful_generations").GetInt64().Should().Be(3);
        cost.GetProperty("cost_per_successful_generation").GetDouble().Should().BeApproximately(11, 1e-9);
        var series = cost.GetProperty("series").EnumerateArray().Single();
        series.GetProperty("model").GetString().Should().Be("m-a");
        series.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("cost").GetDouble()).Should().BeApproximately(33, 1e-9);
    }

    [Fact]
    public async Task GetRunCost_ModelWithoutPrice_CountedAsUnpricedNotZero()
    {
        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");

        cost.GetProperty("unpriced_points").GetInt64().Should().Be(2);
        var llama = cost.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "llama-local");
        llama.GetProperty("cost").ValueKind.Should().Be(JsonValueKind.Null);
        llama.GetProperty("unpriced_points").GetInt64().Should().Be(2);
        llama.GetProperty("prompt_tokens").GetDouble().Should().Be(5_000);
    }

    [Fact]
    public async Task PutPrices_CorrectedPrice_RepricesHistory()
    {
        var corrected = new
        {
            prices = new object[]
            {
                new { model = "m-a", valid_from = "2025-01-01", input_per_million = 1.0, output_per_million = 2.0, currency = "USD" },
                new { model = "m-a", valid_from = "2025-06-01", input_per_million = 5.0, output_per_million = 20.0, currency = "USD" },
            },
        };

        using var put = await Http.PutAsync("/api/v1/settings/prices", Json.Content(corrected));
        put.EnsureSuccessStatusCode();

        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");
        cost.GetProperty("cost").GetDouble().Should().BeApproximately(3 + 25, 1e-9);
    }

    [Fact]
    public async Task ImportPrices_NewModel_MergedWithStoredRows()
    {
        var file = """{"prices": [{"model": "llama-*", "valid_from": "2025-01-01", "input_per_million": 0.1, "output_per_million": 0.2, "currency": "USD"}]}""";

        using var import = await Http.PostAsync("/api/v1/settings/prices/import", Json.Raw(file));
        import.EnsureSuccessStatusCode();

        (await Json.ReadAsync(import)).GetProperty("prices").GetArrayLength().Should().Be(3);
        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");
        cost.GetProperty("unpriced_points").GetInt64().Should().Be(0);
        cost.GetProperty("cost").GetDouble().Should().BeApproximately(33 + (5_000 * 0.1 + 1_000 * 0.2) / 1e6, 1e-9);
    }

    [Fact]
    public async Task GetRunCost_AcceptanceThreshold_CostPerAcceptedSample()
    {
        using var put = await Http.PutAsync("/api/v1/settings/acceptance", Json.Content(new { thresholds = new { quality = 0.8 } }));
        put.EnsureSuccessStatusCode();

        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");

        var accepted = cost.GetProperty("accepted").EnumerateArray().Single();
        accepted.GetProperty("score").GetString().Should().Be("quality");
        accepted.GetProperty("accepted").GetInt64().Should().Be(1);
        accepted.GetProperty("source").GetString().Should().Be("score");
        accepted.GetProperty("cost_per_accepted").GetDouble().Should().BeApproximately(33, 1e-9);
    }

    [Fact]
    public async Task GetRunCost_RunGoalThreshold_OverridesScoreThreshold()
    {
        using var put = await Http.PutAsync("/api/v1/settings/acceptance", Json.Content(new { thresholds = new { quality = 0.8 } }));
        using var goal = await Http.PutAsync($"/api/v1/runs/{Run}/goal", Json.Content(new { accept_score = "quality", accept_min = 0.4 }));
        goal.EnsureSuccessStatusCode();

        var cost = await Json.GetAsync(Http, $"/api/v1/runs/{Run}/cost");

        var accepted = cost.GetProperty("accepted").EnumerateArray().Single();
        accepted.GetProperty("accepted").GetInt64().Should().Be(2);
        accepted.GetProperty("source").GetString().Should().Be("run");
    }

    [Fact]
    public async Task GetCosts_RunsList_OneSummaryPerExistingRun()
    {
        var list = await Json.GetAsync(Http, $"/api/v1/costs?run={Run}&run=missing");

        var only = list.EnumerateArray().Single();
        only.GetProperty("run").GetString().Should().Be(Run);
        only.GetProperty("cost").GetDouble().Should().BeApproximately(33, 1e-9);
        only.GetProperty("unpriced_points").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task GetProjectCost_WindowAll_SumsItsRuns()
    {
        var project = await Json.GetAsync(Http, "/api/v1/projects/default/cost?window=all");

        project.GetProperty("runs").GetInt32().Should().Be(1);
        project.GetProperty("cost").GetDouble().Should().BeApproximately(33, 1e-9);
    }

    [Theory]
    [InlineData("""{"prices": [{"model": "x", "valid_from": "2025-02-30", "input_per_million": 1, "output_per_million": 1, "currency": "USD"}]}""", "prices[0].valid_from")]
    [InlineData("""{"prices": [{"model": "x", "valid_from": "2025-02-01", "input_per_million": -1, "output_per_million": 1, "currency": "USD"}]}""", "prices[0].input_per_million")]
    [InlineData("""{"prices": [{"model": "x", "valid_from": "2025-02-01", "input_per_million": 1, "output_per_million": 1}]}""", "prices[0].currency")]
    [InlineData("""{"rows": []}""", "prices")]
    [InlineData("""{"prices": [""", "body")]
    public async Task PutPrices_BadInput_ProblemNamingField(string body, string field)
    {
        using var response = await Http.PutAsync("/api/v1/settings/prices", Json.Raw(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
        (await Json.GetAsync(Http, "/api/v1/settings/prices")).GetProperty("prices").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task ImportPrices_OtherCurrency_Refused()
    {
        var file = """{"prices": [{"model": "z", "valid_from": "2025-01-01", "input_per_million": 1, "output_per_million": 1, "currency": "EUR"}]}""";

        using var response = await Http.PostAsync("/api/v1/settings/prices/import", Json.Raw(file));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("prices[0].currency");
    }

    [Theory]
    [InlineData("/api/v1/runs/cost-run/cost?step=7m", "step")]
    [InlineData("/api/v1/runs/cost-run/cost?from=yesterday", "from")]
    [InlineData("/api/v1/runs/cost-run/cost?from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z", "from")]
    [InlineData("/api/v1/costs", "run")]
    [InlineData("/api/v1/projects/default/cost?window=soon", "window")]
    [InlineData("/api/v1/runs/missing/cost", "run")]
    public async Task GetCost_BadQuery_ProblemNamingField(string url, string field)
    {
        using var response = await Http.GetAsync(url);

        ((int)response.StatusCode).Should().BeInRange(400, 404);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }

    [Fact]
    public async Task PutAcceptance_NonNumber_ProblemNamingScore()
    {
        using var response = await Http.PutAsync("/api/v1/settings/acceptance", Json.Raw("""{"thresholds": {"quality": "high"}}"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("thresholds.quality");
    }
}
