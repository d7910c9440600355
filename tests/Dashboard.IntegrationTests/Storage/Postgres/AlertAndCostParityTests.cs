using Dashboard.Costs;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using static Dashboard.IntegrationTests.Storage.Postgres.ProviderPair;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>Alert evaluation's reads and the cost stores: the same writes on both providers give the same answers.</summary>
public sealed class AlertAndCostParityTests : IDisposable
{
    private static readonly long Now = Timestamps.ToMicros(DateTimeOffset.UtcNow);
    private readonly ProviderPair _pair = TestPostgres.Server is null ? null! : new ProviderPair();

    public void Dispose() => _pair?.Dispose();

    private void Seed()
    {
        var t = Now - 20 * 60_000_000L;
        for (var i = 0; i < 40; i++)
        {
            // Equal timestamps in pairs: insertion order (rowid / seq) must break the ties the same way.
            var ts = t + i / 2 * 30_000_000L;
            _pair.Write(
                Write($"gen-{i % 3}", i % 2 == 0 ? "alpha" : "beta",
                    Event(null, ts, ("success_rate", i % 4 == 0 ? 0.0 : 1.0, "m1", null), ("generation_time", i * 0.25, "m1", null),
                        ("prompt_token_count", 100 + i, i % 3 == 0 ? "gpt-4o" : "m1", null), ("completion_token_count", 10 + i, "m1", null),
                        ("evaluation_score_quality", (i % 10) / 10.0, (string?)null, (string?)null))),
                Write("pred", "beta", Event($"e{i}", ts, ("prediction_confidence", (i % 10) / 10.0, null, $$"""{"label":"L{{i % 3 / 2}}"}"""),
                    ("prediction_processing_time", i * 0.1, (string?)null, (string?)null),
                    ("pipeline_success", i % 5 == 0 ? 0.0 : 1.0, null, $$"""{"pipeline":"{{(i % 2 == 0 ? "etl" : "load")}}"}"""),
                    ("pipeline_execution_time", 1.0 + i, null, """{"pipeline":"etl"}"""))));
        }
    }

    [PostgresFact]
    public void AlertConditionReader_EveryQuestion_SameAnswers()
    {
        Seed();
        var answers = new List<object>[2];
        var i = 0;
        foreach (IAlertConditionReader reader in new IAlertConditionReader[] { new SqliteAlertConditionReader(_pair.Sqlite), new PostgresAlertConditionReader(_pair.Postgres) })
        {
            var seen = answers[i++] = [];
            using var c = reader.Open();
            var metrics = c.GetMetricIds();
            // Ids are the providers' own; answers are compared by name.
            var names = metrics.ToDictionary(m => m.Value, m => m.Key);
            var runs = c.GetRuns();
            seen.Add(runs.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
            foreach (var window in new[] { 60L, 300L, 3600L })
            {
                var from = Now - window * 1_000_000L;
                var aggregates = c.GetWindowAggregates(metrics.Values.ToList(),
                    new WindowThresholds(metrics["prediction_confidence"], 0.5, metrics["prediction_processing_time"], 2.0), from, Now);
                // Sums compare to 12 digits: each provider adds in its own order, and floating-point addition is not associative.
                seen.Add(aggregates.SelectMany(r => r.Value.Select(m => $"{runs[r.Key].Name}/{names[m.Key]}: {m.Value.Count} {m.Value.Sum:G12} {m.Value.BelowLow} {m.Value.AboveHigh}"))
                    .Order(StringComparer.Ordinal).ToList());
                seen.Add(c.GetTopLabelShares(metrics["prediction_confidence"], from, Now).Select(s => (runs[s.Key].Name, s.Value)).ToList());
                foreach (var keep in new[] { 1, 3, 20 })
                {
                    seen.Add(c.GetRecentExecutions(metrics["pipeline_success"], from, Now, keep)
                        .Select(e => $"{runs[e.RunId].Name}/{e.Pipeline}: {string.Join(",", e.Values)}").Order(StringComparer.Ordinal).ToList());
                }
                foreach (var (project, run) in new[] { ((string?)null, (string?)null), ("alpha", null), (null, "gen-1"), ("none", null) })
                {
                    var perRun = new List<string>();
                    c.VisitValuesPerRun(metrics["generation_time"], project, run, from, Now, (name, values) => perRun.Add($"{name}: {string.Join(",", values)}"));
                    seen.Add(perRun);
                }
            }
            seen.Add(c.GetQuietRuns(Now, Now - 3_600_000_000L, 10).OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => (r.Name, r.EventCount)).ToList());
            seen.Add(c.GetQuietRuns(Now - 3_600_000_000L, Now - 7_200_000_000L, 10).Count);
        }

        answers[1].Should().BeEquivalentTo(answers[0], o => o.WithStrictOrdering());
        // The hour window (answer 19) holds the whole seed: gen-0 got every third of 40 events.
        ((List<string>)answers[1][19]).Should().HaveCount(19).And.Contain(a => a.StartsWith("gen-0/success_rate: 14 ", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task CostStores_PricesGoalsAndTokenSums_SameAnswers()
    {
        Seed();
        var answers = new List<object?>[2];
        var i = 0;
        var stores = new (IPriceStore Prices, IGoalStore Goals, ICostReader Costs, IAlertConditionReader Alerts)[]
        {
            (new SqlitePriceStore(_pair.Sqlite), new SqliteGoalStore(_pair.Sqlite, TimeProvider.System), new SqliteCostReader(_pair.Sqlite),
                new SqliteAlertConditionReader(_pair.Sqlite)),
            (new PostgresPriceStore(_pair.Postgres), new PostgresGoalStore(_pair.Postgres, TimeProvider.System), new PostgresCostReader(_pair.Postgres),
                new PostgresAlertConditionReader(_pair.Postgres)),
        };
        foreach (var (prices, goals, costs, alerts) in stores)
        {
            var seen = answers[i++] = [];
            seen.Add((await prices.GetPricesAsync(default)).Count > 0);
            await prices.ReplacePricesAsync([
                new PriceEntry("m1", new DateOnly(2025, 1, 1), 1, 2, null, "USD"),
                new PriceEntry("GPT-4o", new DateOnly(2025, 1, 1), 2.5, 10, 1.25, "USD"),
                new PriceEntry("claude-*", new DateOnly(2025, 6, 1), 3, 15, 0.3, "USD"),
            ], default);
            await prices.MergePricesAsync([new PriceEntry("gpt-4o", new DateOnly(2025, 1, 1), 5, 20, null, "USD"),
                new PriceEntry("m1", new DateOnly(2026, 1, 1), 0.5, 1, null, "USD")], default);
            seen.Add(await prices.GetPricesAsync(default));

            var runs = await costs.GetRunsAsync(["gen-2", "gen-0", "missing", "pred"], default);
            seen.Add(runs.Select(r => (r.Name, r.Project, r.FirstTs, r.LastTs)).ToList());
            seen.Add((await costs.GetProjectRunsAsync("beta", default)).Select(r => r.Name).ToList());
            seen.Add((await costs.GetRunsActiveSinceAsync(Now - 60_000_000L, default)).Select(r => r.Name).ToList());
            seen.Add(await costs.GetRunAsync("missing", default));
            var byName = runs.ToDictionary(r => r.Id, r => r.Name);
            foreach (var bucket in new[] { 60_000_000L, 3_600_000_000L })
            {
                var sums = await costs.GetTokenAggregatesAsync(byName.Keys.ToList(), Now - 900_000_000L, Now, bucket, default);
                seen.Add(sums.Select(s => $"{byName[s.RunId]} {s.Kind} {s.Model} {s.BucketStart} {s.Tokens:G12} {s.Points}").Order(StringComparer.Ordinal).ToList());
            }
            var gen0 = runs.Single(r => r.Name == "gen-0").Id;
            seen.Add(await costs.CountAtLeastAsync(gen0, "evaluation_score_quality", 0.5, Now - 3_600_000_000L, Now, default));
            seen.Add(await costs.CountAtLeastAsync(gen0, "no_such_metric", 0.5, 0, Now, default));
            seen.Add(await costs.CountAtLeastPerBucketAsync(gen0, "evaluation_score_quality", 0.3, Now, 300_000_000L, 6, default));
            seen.Add(await costs.GetMetricNamesAsync(gen0, "evaluation_score_", default));

            await goals.SaveGoalAsync(gen0, new RunGoal(100, GoalKind.Accepted, Now + 1, "quality", 0.5, 12.5), default);
            await goals.SaveGoalAsync(gen0, new RunGoal(200, GoalKind.Samples, null, null, null), default);
            await goals.SaveGoalAsync(runs.Single(r => r.Name == "pred").Id, new RunGoal(5, GoalKind.Samples, Now, null, null, 1), default);
            seen.Add(await goals.GetGoalAsync(gen0, default));
            seen.Add(await goals.DeleteGoalAsync(gen0, default));
            seen.Add(await goals.DeleteGoalAsync(gen0, default));
            seen.Add(await goals.GetGoalAsync(gen0, default));
            seen.Add(alerts.GetGoalRuns(0));
            await goals.SaveScoreThresholdsAsync(new Dictionary<string, double> { ["quality"] = 0.7, ["Accuracy"] = 0.9 }, default);
            await goals.SaveScoreThresholdsAsync(new Dictionary<string, double> { ["quality"] = 0.8, ["b"] = 0.1 }, default);
            seen.Add(await goals.GetScoreThresholdsAsync(default));
        }

        answers[1].Should().BeEquivalentTo(answers[0], o => o.WithStrictOrdering());
        answers[1][0].Should().Be(true, "both ship the starter prices");
        ((IReadOnlyList<PriceEntry>)answers[1][1]!).Should().HaveCount(4);
    }
}
