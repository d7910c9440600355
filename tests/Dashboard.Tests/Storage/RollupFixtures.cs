using Dashboard.Ingest;
using Dashboard.Runs;
using Dashboard.Storage.Rollups;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Data and comparisons the rollup equality tests share on both providers (this file is also compiled into the
/// integration tests, whose PostgreSQL rollup tests run the same checks).
/// </summary>
internal static class RollupFixtures
{
    public const long Base = 1_795_000_000_000_000; // an hour boundary: 2026-11-18T00:00:00Z

    /// <summary>Ranges whose ends sit on, just before and just after bucket boundaries of every width, plus open ends.</summary>
    public static IEnumerable<(long From, long To)> Ranges(Random random, int n)
    {
        long Edge()
        {
            var width = RollupLevels.Widths[random.Next(RollupLevels.Widths.Length)];
            return random.Next(12) switch
            {
                0 => long.MinValue,
                1 => long.MaxValue,
                _ => Base + random.Next(-1, 5) * width + random.Next(-2, 3) * (random.Next(2) == 0 ? 1 : 350_000),
            };
        }
        for (var i = 0; i < n; i++)
        {
            var (a, b) = (Edge(), Edge());
            yield return a <= b ? (a, b) : (b, a);
        }
    }

    public static void AssertSame(RunPageState expected, RunPageState actual, string because)
    {
        actual.Width.Should().Be(expected.Width, because);
        (actual.FirstTs, actual.LastTs).Should().Be((expected.FirstTs, expected.LastTs), because);
        (actual.Generations, actual.Failures, actual.Evaluations, actual.Predictions, actual.PipelineExecutions)
            .Should().Be((expected.Generations, expected.Failures, expected.Evaluations, expected.Predictions, expected.PipelineExecutions), because);
        (actual.DerivedTotals, actual.DerivedJudgeTotals).Should().Be((expected.DerivedTotals, expected.DerivedJudgeTotals), because);
        actual.GenerationTokens.Should().BeEquivalentTo(expected.GenerationTokens, because);
        actual.JudgeTokens.Should().BeEquivalentTo(expected.JudgeTokens, because);
        actual.ModelUsage.Should().BeEquivalentTo(expected.ModelUsage, because);
        actual.FinishReasons.Should().BeEquivalentTo(expected.FinishReasons, because);
        actual.Scores.Should().Equal(expected.Scores, because);
        actual.CustomMetrics.Should().Equal(expected.CustomMetrics, because);
        foreach (var (a, e) in new[] { (actual.GenerationTime, expected.GenerationTime), (actual.EvaluationTime, expected.EvaluationTime),
            (actual.ConversationLength, expected.ConversationLength) })
        {
            (a.Count, a.Min, a.Max).Should().Be((e.Count, e.Min, e.Max), because);
            a.Bins(false).Should().Equal(e.Bins(false), because);
            a.Bins(true).Should().Equal(e.Bins(true), because);
        }
        actual.Buckets.Keys.Should().Equal(expected.Buckets.Keys, because);
        foreach (var (key, e) in expected.Buckets)
        {
            var a = actual.Buckets[key];
            (a.Generations, a.Failures, a.Events, a.Evaluations).Should().Be((e.Generations, e.Failures, e.Events, e.Evaluations), because);
            a.Latency.ToBytes().Should().Equal(e.Latency.ToBytes(), because);
            a.TokensByModel.Keys.Should().BeEquivalentTo(e.TokensByModel.Keys, because);
            foreach (var (model, total) in e.TokensByModel)
            {
                a.TokensByModel[model].Should().BeApproximately(total, 1e-9 * Math.Abs(total) + 1e-9, because);
            }
            a.Scores.Keys.Should().BeEquivalentTo(e.Scores.Keys, because);
            foreach (var (score, (sum, count)) in e.Scores)
            {
                a.Scores[score].Count.Should().Be(count, because);
                a.Scores[score].Sum.Should().BeApproximately(sum, 1e-9 * Math.Abs(sum) + 1e-9, because);
            }
        }
    }

    /// <summary>
    /// Generations (tokens with and without totals, fractional and negative counts, failures, latencies over many
    /// magnitudes), judge evaluations with scores and their own tokens, predictions, pipeline runs and a custom metric
    /// around bucket boundaries of every width; some events share a time (their token counts then count as one event per
    /// model, as the raw view regroups token points by time and model).
    /// </summary>
    public static IEnumerable<ExpandedEvent> Events(Random random, int n, bool wide)
    {
        string?[] models = [null, "a", "b/c"];
        var ts = Base - RollupLevels.Hour + 7;
        for (var i = 0; i < n; i++)
        {
            ts += random.Next(10) switch
            {
                0 => random.Next(2),
                1 => random.Next(1, 3) * RollupLevels.Minute,
                2 => random.NextInt64(1, 2_000_000),
                _ => random.Next(1, 400_000),
            };
            if (wide && random.Next(200) == 0)
            {
                ts += random.Next(1, 30) * RollupLevels.Hour;
            }
            var kind = random.Next(10);
            var type = kind switch { < 6 => "generation", < 8 => "evaluation", 8 => "prediction", _ => "metric" };
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = type };
            void Add(string name, double value, string? model = null) => e.Points.Add(new MetricPoint(name, ts, value, model, null));
            var model = models[random.Next(models.Length)];
            switch (type)
            {
                case "generation":
                    Add(MetricNames.SuccessRate, random.Next(5) == 0 ? 0 : 1);
                    Add(MetricNames.GenerationTime, Math.Exp(random.NextDouble() * 12 - 6));
                    Tokens(e, ts, model, random);
                    Add("conversation_length", random.Next(0, 40));
                    Add("model_usage:" + (model ?? "none"), 1);
                    Add("finish_reason:" + (random.Next(3) == 0 ? "length" : "stop"), 1);
                    break;
                case "evaluation":
                    Add(MetricNames.EvaluationTime, random.NextDouble() * 3);
                    Add("evaluation_score_" + (random.Next(2) == 0 ? "fluency" : "accuracy"), random.NextDouble() * 10 - 2);
                    Tokens(e, ts, "judge", random);
                    break;
                case "prediction":
                    Add(MetricNames.PredictionConfidence, random.NextDouble());
                    break;
                default:
                    Add("loss", random.NextDouble() * 1e6 - 1e3);
                    if (random.Next(3) == 0)
                    {
                        Add(MetricNames.PipelineExecutionTime, random.NextDouble());
                    }
                    break;
            }
            yield return e;
        }
    }

    public static IEnumerable<ExpandedEvent> Split(ExpandedEvent e) => e.Points.Select(p =>
    {
        var one = new ExpandedEvent { Id = null, Timestamp = e.Timestamp, Type = "metric" };
        one.Points.Add(p);
        return one;
    });

    private static void Tokens(ExpandedEvent e, long ts, string? model, Random random)
    {
        var prompt = random.Next(4) == 0 ? (double?)null : random.Next(0, 5_000) + (random.Next(4) == 0 ? 0.7 : 0);
        var completion = random.Next(4) == 0 ? (double?)null : random.Next(-3, 2_000);
        var total = random.Next(3) == 0 ? (double?)null : (prompt ?? 0) + (completion ?? 0) + random.Next(0, 3) * 0.5;
        foreach (var (name, value) in new[] { (MetricNames.PromptTokens, prompt), (MetricNames.CompletionTokens, completion), (MetricNames.TotalTokens, total) })
        {
            if (value is { } v)
            {
                e.Points.Add(new MetricPoint(name, ts, v, model, null));
            }
        }
    }
}
