using Dashboard.Core;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Tests.Storage;

/// <summary>The fast path (rollups + raw edges) against the raw computation over the same stored points.</summary>
public sealed class RollupQueryTests : IDisposable
{
    private const long Base = 1_795_000_000_000_000; // an hour boundary: 2026-11-18T00:00:00Z
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void For_AnyRange_PiecesAreDisjointAndCoverItExactly()
    {
        var random = new Random(1);
        foreach (var (from, to) in Ranges(random, 400))
        {
            var plan = RangePlan.For(from, to);
            var pieces = plan.Rollups.Select(p => (p.From, Last: p.To - 1)).Concat(plan.Raw.Select(p => (p.From, Last: p.To)))
                .OrderBy(p => p.From).ToList();

            var (lo, hi) = (Math.Max(from, -(1L << 60)), Math.Min(to, 1L << 60));
            if (lo > hi)
            {
                pieces.Should().BeEmpty("a range wholly beyond any storable time holds nothing");
                continue;
            }
            pieces[0].From.Should().Be(lo);
            pieces[^1].Last.Should().Be(hi);
            for (var i = 1; i < pieces.Count; i++)
            {
                pieces[i].From.Should().Be(pieces[i - 1].Last + 1, $"range [{from}, {to}]");
            }
            plan.Rollups.Where(p => p.From % p.Width != 0 || p.To % p.Width != 0).Should().BeEmpty();
            plan.Raw.Count.Should().BeLessThanOrEqualTo(2);
        }
    }

    [Theory]
    [InlineData("uniform")]
    [InlineData("mixed-signs")]
    [InlineData("huge-range")]
    [InlineData("zeros")]
    [InlineData("constant")]
    [InlineData("pareto")]
    public void GetStats_RollupPath_CountMinMaxExactMeanToRoundingPercentilesWithinBound(string data)
    {
        var points = Points(data, 30_000, new Random(2));
        _store.Write("r", points);
        var metricId = _store.Scalar("SELECT id FROM metric_names WHERE name = 'm'");
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var fast = new SqliteRollupReader(_store.Connections, exactLimit: 0);

        foreach (var (from, to) in Ranges(new Random(3), 60))
        {
            var raw = _store.Points.GetValues(runId, "m", from, to);
            var stats = fast.GetStats(runId, metricId, from, to);

            stats.Count.Should().Be(raw.Count, $"range [{from}, {to}]");
            if (raw.Count == 0)
            {
                stats.Should().Be(MetricStats.Empty);
                continue;
            }
            var exact = MetricStats.From(raw);
            (stats.Min, stats.Max).Should().Be((exact.Min, exact.Max));
            var scale = raw.Sum(Math.Abs) / raw.Count;
            stats.Mean!.Value.Should().BeApproximately(exact.Mean!.Value, 1e-12 * scale + 1e-300);
            var sketch = new QuantileSketch();
            raw.ForEach(sketch.Add);
            QuantileSketchTests.AssertWithinBound(sketch, [.. raw]);
            foreach (var (q, actual) in new[] { (0.5, stats.P50), (0.9, stats.P90), (0.95, stats.P95), (0.99, stats.P99) })
            {
                actual.Should().Be(sketch.Quantile(q), "the merged rollup sketches equal one sketch of the range's points");
            }
        }
    }

    [Fact]
    public void GetStats_FewPoints_EqualsRawComputationExactly()
    {
        _store.Write("r", Points("mixed-signs", 3_000, new Random(4)));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");

        foreach (var (from, to) in Ranges(new Random(5), 60))
        {
            _store.Points.GetFiniteStats(runId, "m", from, to).Should().Be(MetricStats.From(_store.Points.GetValues(runId, "m", from, to)));
        }
    }

    [Fact]
    public void GetTokenUsage_AnyStart_EqualsRawQuery()
    {
        var random = new Random(6);
        string?[] models = [null, "", "a", "b/c"];
        var points = Points("uniform", 6_000, random).SelectMany(p => new[]
        {
            ("prompt_token_count", p.Ts, Math.Round(p.Value * 40, 1), models[random.Next(models.Length)]),
            ("total_token_count", p.Ts, p.Value * 1e3 - 50, models[random.Next(models.Length)]),
        });
        _store.Write("r", points);
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");

        foreach (var (from, _) in Ranges(new Random(7), 60))
        {
            var fast = _store.Points.GetTokenUsage(runId, from);
            var raw = _store.Points.GetTokenUsageFromPoints(runId, from);
            fast.Should().BeEquivalentTo(raw, o => o.WithStrictOrdering(), $"from {from}");
        }
    }

    [Fact]
    public void GetEventsSince_AnySince_CountsEventsFromThatSecond()
    {
        var points = Points("uniform", 5_000, new Random(8)).ToList();
        _store.Write("r", points);
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        using var c = _store.Connections.Open();

        foreach (var (since, _) in Ranges(new Random(9), 40))
        {
            var expected = points.Count(p => p.Ts >= RollupLevels.BucketOf(since, RollupLevels.Second));
            SqliteRollupReader.GetEventsSince(c, runId, since).Should().Be(expected);
        }
    }

    /// <summary>Ranges whose ends sit on, just before and just after bucket boundaries of every width, plus open ends.</summary>
    internal static IEnumerable<(long From, long To)> Ranges(Random random, int n) => RollupFixtures.Ranges(random, n);

    /// <summary>Points around bucket boundaries of every width, many sharing a timestamp, some with a model name.</summary>
    internal static IEnumerable<(string Name, long Ts, double Value, string? Model)> Points(string data, int n, Random random)
    {
        var values = QuantileSketchTests.Generate(data, random);
        string?[] models = [null, "a", "b"];
        long ts = Base - RollupLevels.Hour + 7;
        for (var i = 0; i < n; i++)
        {
            // Mostly small steps (many ties and points within a second), sometimes a jump across minutes or an hour.
            ts += random.Next(10) switch
            {
                0 => 0,
                1 => random.Next(1, 3) * RollupLevels.Minute,
                2 => random.NextInt64(0, 2_000_000),
                _ => random.Next(0, 400_000),
            };
            if (random.Next(400) == 0)
            {
                ts += RollupLevels.Hour;
            }
            yield return ("m", ts, values[i % values.Length], models[random.Next(models.Length)]);
        }
    }
}

public sealed class RollupMaintenanceTests : IDisposable
{
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Migrate_NewFile_IncrementalAutoVacuum()
    {
        _store.Scalar("PRAGMA auto_vacuum").Should().Be(2);
    }

    [Fact]
    public void Purge_DeletedRun_RollupsGoAndFileShrinks()
    {
        _store.Write("gone", RollupQueryTests.Points("uniform", 60_000, new Random(1)));
        _store.Write("kept", RollupQueryTests.Points("uniform", 500, new Random(2)));
        var gone = _store.Scalar("SELECT id FROM runs WHERE name = 'gone'");
        var pagesBefore = _store.Scalar("PRAGMA page_count");
        _store.Writer.RunExclusive(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"INSERT INTO run_purges (run_id, name, marked_at) VALUES ({gone}, 'gone', 0); DELETE FROM runs WHERE id = {gone};";
            return cmd.ExecuteNonQuery();
        });

        new SqliteRunDeletionStore(_store.Writer).Purge(gone, CancellationToken.None);

        _store.Scalar($"SELECT COUNT(*) FROM point_rollups WHERE run_id = {gone}").Should().Be(0);
        _store.Scalar($"SELECT COUNT(*) FROM run_event_seconds WHERE run_id = {gone}").Should().Be(0);
        _store.Scalar("SELECT COUNT(*) FROM point_rollups").Should().BePositive("the kept run's rollups stay");
        _store.Scalar("PRAGMA freelist_count").Should().Be(0);
        _store.Scalar("PRAGMA page_count").Should().BeLessThan(pagesBefore / 2);
    }
}
