using System.Globalization;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Runs;

/// <summary>
/// GET /series without from= puts its buckets on multiples of the step (so rollups answer it): every bucket equals the
/// one computed here from the posted points on that grid, over data with ties and points on and around every edge.
/// Runs on both providers (the suite's PostgreSQL pass).
/// </summary>
public sealed class SeriesGridTests : HostedTest
{
    // 2026-11-18T00:00:00Z, an hour boundary; the first point is 7 µs after a whole second, 0.3 s into a 5 s bucket.
    private const long Base = 1_795_000_000_000_000;
    private const long First = Base + 1_300_007;
    private static readonly List<(long Ts, double Value)> Points = MakePoints();

    protected override async Task SeedAsync()
    {
        var events = Points.Select((p, i) => (object)new
        {
            type = "metric",
            id = $"e{i}",
            name = "m",
            value = p.Value,
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(p.Ts / 1000).AddTicks(p.Ts % 1000 * 10)
                .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        }).ToArray();
        foreach (var chunk in events.Chunk(2_000))
        {
            using var response = await Json.PostIngestAsync(Http, "grid", chunk);
            response.EnsureSuccessStatusCode();
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1s")]
    [InlineData("2s")]
    [InlineData("5s")]
    [InlineData("7s")]
    [InlineData("1m")]
    [InlineData("90s")]
    [InlineData("1h")]
    public async Task GetSeries_NoFrom_BucketsOnMultiplesOfTheStepEqualThePostedPoints(string? step)
    {
        var answer = await Json.GetAsync(Http, "/api/v1/runs/grid/series?name=m" + (step is null ? "" : $"&step={step}"));

        var stepMicros = (long)Math.Round(answer.GetProperty("step_seconds").GetDouble() * 1e6);
        var from = Micros(answer.GetProperty("from"));
        (from % stepMicros).Should().Be(0, "the grid starts on a multiple of the step");
        from.Should().BeLessThanOrEqualTo(First).And.BeGreaterThan(First - stepMicros);
        Micros(answer.GetProperty("to")).Should().Be(Points.Max(p => p.Ts), "the open end is the last point");
        var buckets = answer.GetProperty("buckets").EnumerateArray().ToList();
        buckets.Count.Should().BeInRange(1, 1_000);
        var expected = Points.GroupBy(p => (p.Ts - from) / stepMicros).OrderBy(g => g.Key).Select(g => (
            T: from + g.Key * stepMicros, Count: (long)g.Count(), Mean: g.Average(p => p.Value), Min: g.Min(p => p.Value), Max: g.Max(p => p.Value))).ToList();
        buckets.Select(b => (Micros(b.GetProperty("t")), b.GetProperty("count").GetInt64(), b.GetProperty("min").GetDouble(), b.GetProperty("max").GetDouble()))
            .Should().Equal(expected.Select(e => (e.T, e.Count, e.Min, e.Max)), $"step {step ?? "default"}");
        for (var i = 0; i < expected.Count; i++)
        {
            // Summed per rollup row rather than point by point: equal up to rounding relative to the values' size.
            var scale = Math.Max(Math.Abs(expected[i].Min), Math.Abs(expected[i].Max));
            buckets[i].GetProperty("mean").GetDouble().Should().BeApproximately(expected[i].Mean, 1e-12 * scale + 1e-300, $"bucket {expected[i].T}");
        }
    }

    [Fact]
    public async Task GetSeries_ExplicitFrom_GridStartsThere()
    {
        var from = First + 123;
        var iso = DateTimeOffset.FromUnixTimeMilliseconds(from / 1000).AddTicks(from % 1000 * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        var answer = await Json.GetAsync(Http, $"/api/v1/runs/grid/series?name=m&step=5s&from={iso}");

        Micros(answer.GetProperty("from")).Should().Be(from);
        var buckets = answer.GetProperty("buckets").EnumerateArray().ToList();
        Micros(buckets[0].GetProperty("t")).Should().Be(from);
        buckets.Sum(b => b.GetProperty("count").GetInt64()).Should().Be(Points.Count(p => p.Ts >= from));
    }

    private static long Micros(JsonElement t) =>
        (DateTimeOffset.Parse(t.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// About 10 minutes of points: runs of equal timestamps, points exactly on whole seconds and minutes, one microsecond
    /// either side of them, and random gaps, with values of both signs.
    /// </summary>
    private static List<(long, double)> MakePoints()
    {
        var random = new Random(14);
        var points = new List<(long, double)> { (First, 0.5) };
        var ts = First;
        while (ts < Base + 10 * 60_000_000L)
        {
            var r = random.Next(200);
            ts += r switch
            {
                < 40 => 0,
                < 60 => 1_000_000 - ts % 1_000_000, // onto the next whole second
                < 80 => 1_000_000 - ts % 1_000_000 - 1, // one microsecond before it
                < 81 => 60_000_000 - ts % 60_000_000, // onto the next whole minute
                _ => random.Next(1, 100_000),
            };
            points.Add((ts, Math.Round((random.NextDouble() - 0.3) * 1_000, 3)));
        }
        return points;
    }
}
