using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Alerts;

/// <summary>One real host per test, real HTTP, a real webhook receiver: each rule kind end to end, silences and acks.</summary>
public sealed class AlertLifecycleHostTests() : HostedTest(new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" }), IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private WebhookListener _hooks = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _hooks = await WebhookListener.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _hooks.DisposeAsync();
    }

    private Task UseWebhookAsync(Action<JsonObject>? edit = null) => AlertSettingsEdit.EditAsync(Http, d =>
    {
        AlertSettingsEdit.Immediate(d);
        d["webhooks"] = AlertSettingsEdit.Webhooks((new Uri(_hooks.BaseAddress, "hook"), "json"));
        edit?.Invoke(d);
    });

    private IEnumerable<JsonElement> Heard(string run) =>
        _hooks.At("/hook").Where(b => b.TryGetProperty("run", out var r) && r.GetString() == run);

    [Fact]
    public async Task WindowRule_FailureSharePair_OneWebhookCarryingBothValues()
    {
        // A group waits for its other alerts: with no wait the pair's two changes could race the sender and go apart.
        await UseWebhookAsync(d => d["notifications"]!["group_wait_seconds"] = 2);

        (await Json.PostIngestAsync(Http, "pair-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("pair-run").Any(), Patience, "the webhook hears of the failing run");
        var body = Heard("pair-run").Should().ContainSingle("the pair is one notification").Subject;
        body.GetProperty("group").GetString().Should().Be("failure_share|pair-run");
        body.GetProperty("alerts").EnumerateArray().Select(a => (a.GetProperty("rule").GetString(), a.GetProperty("value").GetDouble()))
            .Should().Equal(("low_success_rate", 0d), ("high_error_rate", 1d));
        var stored = await Json.GetAsync(Http, "/api/v1/alerts?run=pair-run&state=firing");
        stored.GetArrayLength().Should().Be(2, "both rules still show on the pages");
    }

    [Fact]
    public async Task WindowRule_BelowMinSamples_NothingFires()
    {
        await UseWebhookAsync();

        (await Json.PostIngestAsync(Http, "tiny-run", AlertSettingsEdit.Generations(3, success: true))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "tiny-run", AlertSettingsEdit.Generations(1, success: false))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "marker-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();

        // The larger run firing proves an evaluation covered both runs.
        await WaitFor.ConditionAsync(() => Heard("marker-run").Any(), Patience, "the 20-generation run fires");
        (await Json.GetAsync(Http, "/api/v1/alerts?run=tiny-run")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Liveness_RunStopsSending_RunStalledFires()
    {
        await UseWebhookAsync(d => d["rules"]!["run_stalled"]!["window_seconds"] = 2);

        (await Json.PostIngestAsync(Http, "quiet-run", AlertSettingsEdit.Generations(20, success: true))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("quiet-run").Any(b => b.GetProperty("rule").GetString() == "run_stalled"), Patience,
            "the silent run raises run_stalled");
        var alert = (await Json.GetAsync(Http, "/api/v1/alerts?rule=run_stalled")).EnumerateArray().Single();
        alert.GetProperty("state").GetString().Should().Be("firing");
        alert.GetProperty("value").GetDouble().Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task PipelineRule_FailingExecutions_Notified()
    {
        await UseWebhookAsync();

        var executions = Enumerable.Range(0, 3).Select(_ => (object)new { type = "pipeline_execution", pipeline = "etl", execution_time = 2.0, success = false }).ToArray();
        (await Json.PostIngestAsync(Http, "etl-run", executions)).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("etl-run").Any(b => b.GetProperty("rule").GetString() == "pipeline_error_rate:etl"), Patience,
            "the pipeline's error rate is notified");
    }

    [Fact]
    public async Task CustomRule_AboveThreshold_Notified()
    {
        await UseWebhookAsync(d => d["custom_rules"] = new JsonArray(new JsonObject
        {
            ["name"] = "slow", ["metric"] = "generation_time", ["aggregate"] = "max", ["comparison"] = "above", ["threshold"] = 1.0,
            ["window_seconds"] = 300, ["min_samples"] = 2, ["keep_firing_for_seconds"] = 0,
        }));

        (await Json.PostIngestAsync(Http, "custom-run", AlertSettingsEdit.Generations(2, success: false))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("custom-run").Any(b => b.GetProperty("rule").GetString() == "custom:slow"), Patience,
            "the custom rule is notified");
    }

    [Fact]
    public async Task Silence_ByRun_AlertShownMarkedAndNotSent_ThenAcknowledged()
    {
        await UseWebhookAsync();
        using var silenced = await Http.PostAsync("/api/v1/silences", Json.Content(new { run = "muted-run", duration = "1h", reason = "load test", created_by = "ana" }));
        silenced.StatusCode.Should().Be(HttpStatusCode.Created);
        var silence = await Json.ReadAsync(silenced);

        (await Json.PostIngestAsync(Http, "muted-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "loud-run", AlertSettingsEdit.Generations(20, success: false))).EnsureSuccessStatusCode();

        await WaitFor.ConditionAsync(() => Heard("loud-run").Any(), Patience, "the unsilenced run is notified");
        JsonElement muted = default;
        await WaitFor.ConditionAsync(async () => (muted = await Json.GetAsync(Http, "/api/v1/alerts?run=muted-run&state=firing")).GetArrayLength() == 2,
            Patience, "the silenced run's alerts are stored");
        muted.EnumerateArray().Should().OnlyContain(a => a.GetProperty("silenced").GetBoolean()
            && a.GetProperty("silence_id").GetInt64() == silence.GetProperty("id").GetInt64());
        Heard("muted-run").Should().BeEmpty();
        silence.GetProperty("state").GetString().Should().Be("active");
        (await Json.GetAsync(Http, "/api/v1/silences?state=active")).GetArrayLength().Should().Be(1);

        var id = muted[0].GetProperty("id").GetInt64();
        using var ack = await Http.PostAsync($"/api/v1/alerts/{id}/ack", Json.Content(new { by = "ana", comment = "on it" }));
        var acked = await Json.ReadAsync(ack);
        acked.GetProperty("acknowledged_by").GetString().Should().Be("ana");
        acked.GetProperty("ack_comment").GetString().Should().Be("on it");
        using var unack = await Http.DeleteAsync($"/api/v1/alerts/{id}/ack");
        (await Json.ReadAsync(unack)).GetProperty("acknowledged_at").ValueKind.Should().Be(JsonValueKind.Null);

        using var expired = await Http.DeleteAsync($"/api/v1/silences/{silence.GetProperty("id").GetInt64()}");
        (await Json.ReadAsync(expired)).GetProperty("state").GetString().Should().Be("expired");
        await WaitFor.ConditionAsync(() => Heard("muted-run").Any(), Patience, "the still-firing alert is sent once the silence ends");
    }

    [Fact]
    public async Task BudgetRules_GoalOverBudgetAndLate_BothNotified()
    {
        await UseWebhookAsync(d =>
        {
            d["rules"]!["budget_run_spend"]!["enabled"] = true;
            d["rules"]!["budget_run_spend"]!["threshold"] = 0.001;
        });
        var generations = Enumerable.Range(0, 20).Select(_ => (object)new
        {
            type = "generation", duration = 1.0, success = true, model_name = "gpt-4o-mini",
            prompt_token_count = 1000, completion_token_count = 500, total_token_count = 1500,
        }).ToArray();
        using (var ingest = await Http.PostAsync("/api/v1/ingest", Json.Content(new
        {
            run = "budget-run", events = generations,
            // 20 samples cost 0.009 USD at the starter price: 10,000 would cost 4.5, over a budget of 1; a deadline a
            // minute away cannot hold 9,980 more samples at 20 a minute.
            run_goal = new { target = 10_000, budget = 1.0, deadline = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O") },
        })))
        {
            ingest.EnsureSuccessStatusCode();
        }

        string[] rules = ["budget_projected_cost", "goal_eta_past_deadline", "budget_run_spend"];
        await WaitFor.ConditionAsync(() => rules.All(rule => Heard("budget-run").Any(b => b.GetProperty("rule").GetString() == rule)), Patience,
            "projected cost, ETA and spend are each notified");
        var projected = Heard("budget-run").First(b => b.GetProperty("rule").GetString() == "budget_projected_cost");
        projected.GetProperty("value").GetDouble().Should().BeApproximately(4.5, 1e-6);
        projected.GetProperty("threshold").GetDouble().Should().Be(1);
    }

    [Fact]
    public async Task BudgetRules_ProjectSpendOverThreshold_OneAlertForTheProjectWithoutRun()
    {
        await UseWebhookAsync(d =>
        {
            d["rules"]!["budget_project_spend"]!["enabled"] = true;
            d["rules"]!["budget_project_spend"]!["threshold"] = 0.01;
        });
        var generations = Enumerable.Range(0, 20).Select(_ => (object)new
        {
            type = "generation", duration = 1.0, success = true, model_name = "gpt-4o-mini",
            prompt_token_count = 1000, completion_token_count = 500, total_token_count = 1500,
        }).ToArray();
        // Two runs of 0.009 USD each at the starter price: neither alone is over 0.01, the project is (0.018).
        foreach (var run in new[] { "spend-a", "spend-b" })
        {
            using var ingest = await Http.PostAsync("/api/v1/ingest", Json.Content(new { run, project = "team-x", events = generations }));
            ingest.EnsureSuccessStatusCode();
        }

        static bool IsProjectSpend(JsonElement b) => b.GetProperty("rule").GetString() == "budget_project_spend:team-x";
        await WaitFor.ConditionAsync(() => _hooks.At("/hook").Any(IsProjectSpend), Patience, "the project's spend is notified");
        var body = _hooks.At("/hook").First(IsProjectSpend);
        body.GetProperty("value").GetDouble().Should().BeApproximately(0.018, 1e-9);
        body.GetProperty("threshold").GetDouble().Should().Be(0.01);
        body.GetProperty("run").ValueKind.Should().Be(JsonValueKind.Null, "a project's spend belongs to no run");
    }

    [Fact]
    public async Task SilencesAndAcks_BadInput_ProblemNamesField()
    {
        using var noMatcher = await Http.PostAsync("/api/v1/silences", Json.Content(new { duration = "1h", reason = "x" }));
        using var noReason = await Http.PostAsync("/api/v1/silences", Json.Content(new { rule = "low_success_rate", duration = "1h" }));
        using var badState = await Http.GetAsync("/api/v1/silences?state=soon");
        using var unknownSilence = await Http.DeleteAsync("/api/v1/silences/999");
        using var unknownAlert = await Http.PostAsync("/api/v1/alerts/999/ack", Json.Raw(""));
        using var badAck = await Http.PostAsync("/api/v1/alerts/999/ack", Json.Content(new { by = 5 }));

        foreach (var (response, field) in new[] { (noMatcher, "rule"), (noReason, "reason"), (badState, "state"), (badAck, "by") })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
        }
        unknownSilence.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknownAlert.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
