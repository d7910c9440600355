using System.Globalization;
using Dashboard.Core;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Costs;

/// <summary>
/// The cost reader answers from rollups plus raw edges (Storage/SqlCostRollups): its token sums and threshold counts
/// equal the same figures computed here from the events as posted, for whole runs and for ranges and buckets that cut
/// hours, minutes and seconds, on whichever provider the host uses.
/// </summary>
public sealed class CostRollupTests : HostedTest
{
    private const string Run = "cost-rollups";
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly List<Sent> _sent = [];

    private sealed record Sent(long Ts, string Model, long Prompt, long Completion, bool Success, double Quality, double Stars);

    private ICostReader Reader => Factory.Services.GetRequiredService<ICostReader>();

    protected override async Task SeedAsync()
    {
        var random = new Random(14);
        var events = new List<object>();
        // Three hours of events at irregular sub-second times: whole hours, minutes and seconds plus ragged edges.
        for (long ts = Start.ToUnixTimeMilliseconds() * 1000; events.Count < 1500; ts += random.NextInt64(1, 15_000_000))
        {
            var sent = new Sent(ts, random.Next(3) == 0 ? "m-b" : "m-a", random.Next(0, 5000), random.Next(0, 900),
                random.NextDouble() < 0.8, Math.Round(random.NextDouble(), 3), random.Next(1, 6));
            _sent.Add(sent);
            var at = Timestamps.FromMicros(ts).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
            events.Add(new
            {
                type = "generation", timestamp = at, duration = 1.0, success = sent.Success, model_name = sent.Model,
                prompt_token_count = sent.Prompt, completion_token_count = sent.Completion,
            });
            events.Add(new
            {
                type = "evaluation", timestamp = at, duration = 0.2, success = true, evaluator_type = "judge",
                scores = new { quality = sent.Quality, stars = sent.Stars },
            });
        }
        foreach (var chunk in events.Chunk(500))
        {
            using var response = await Json.PostIngestAsync(Http, Run, [.. chunk]);
            response.EnsureSuccessStatusCode();
        }
    }

    private IEnumerable<(long From, long To)> Ranges()
    {
        var first = _sent[0].Ts;
        var last = _sent[^1].Ts;
        yield return (long.MinValue, long.MaxValue);
        yield return (first, last);
        var random = new Random(7);
        for (var i = 0; i < 6; i++)
        {
            var a = random.NextInt64(first - 1_000_000, last);
            yield return (a, random.NextInt64(a, last + 1_000_000));
        }
    }

    [Fact]
    public async Task GetTokenAggregates_RangesCuttingBuckets_EqualSumsOfThePostedTokens()
    {
        var run = (await Reader.GetRunAsync(Run, default))!;
        foreach (var (from, to) in Ranges())
        {
            foreach (var bucket in new[] { 60_000_000L, 300_000_000L, 3_600_000_000L, 86_400_000_000L })
            {
                var got = await Reader.GetTokenAggregatesAsync([run.Id], from, to, bucket, default);
                var want = _sent.Where(s => s.Ts >= from && s.Ts <= to)
                    .SelectMany(s => new (TokenKind Kind, string Model, long Ts, long Tokens)[] { (TokenKind.Prompt, s.Model, s.Ts, s.Prompt), (TokenKind.Completion, s.Model, s.Ts, s.Completion) })
                    .GroupBy(t => $"{t.Kind} {t.Model} {t.Ts / bucket * bucket}")
                    .Select(g => $"{g.Key} {g.Sum(t => t.Tokens)} {g.Count()}").Order(StringComparer.Ordinal);
                got.Select(a => $"{a.Kind} {a.Model} {a.BucketStart} {a.Tokens:0} {a.Points}").Order(StringComparer.Ordinal)
                    .Should().Equal(want, $"range [{from}, {to}] in buckets of {bucket} µs");
            }
        }
    }

    [Theory]
    [InlineData("success_rate", double.MinValue)]
    [InlineData("success_rate", 1.0)]
    [InlineData("evaluation_score_quality", 0.5)]
    [InlineData("evaluation_score_quality", 0.731)]
    [InlineData("evaluation_score_stars", 3.0)]
    [InlineData("evaluation_score_stars", 6.0)]
    public async Task CountAtLeast_RangesCuttingBuckets_EqualsCountOfThePostedValues(string metric, double min)
    {
        var run = (await Reader.GetRunAsync(Run, default))!;
        Func<Sent, double> value = metric switch
        {
            "success_rate" => s => s.Success ? 1 : 0,
            "evaluation_score_quality" => s => s.Quality,
            _ => s => s.Stars,
        };
        foreach (var (from, to) in Ranges())
        {
            var want = _sent.Count(s => s.Ts >= from && s.Ts <= to && value(s) >= min);
            (await Reader.CountAtLeastAsync(run.Id, metric, min, from, to, default)).Should().Be(want, $"range [{from}, {to}]");
        }
    }
}
