using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Runs;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;
using Dashboard.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>
/// PostgreSQL's rollups (the twins of SQLite's steps 12 and 13): every fast answer (stats, series, tokens, run page
/// buckets, events/min) against the raw computation over the same stored points, the migration backfill against what
/// the writer kept, and deletion taking a run's rollups with it.
/// </summary>
public sealed class PostgresRollupTests : IDisposable
{
    private readonly NpgsqlDataSource _data = null!;
    private readonly PostgresPointWriter _writer = null!;
    private readonly PostgresMetricReader _reader = null!;

    public PostgresRollupTests()
    {
        if (TestPostgres.Server is null)
        {
            return;
        }
        _data = NpgsqlDataSource.Create(TestPostgres.NewDatabase());
        new PostgresSchemaMigrator(_data, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();
        _writer = new PostgresPointWriter(_data, new PostgresPartitions(), TimeProvider.System);
        _reader = new PostgresMetricReader(_data);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _data?.Dispose();
    }

    [PostgresFact]
    public void RunPage_AnyRange_RollupsEqualSqliteRawPoints()
    {
        // The raw view is SQLite's: PostgreSQL's raw visitor regroups token points of events sharing a time differently
        // (a known difference of the raw path; with rollups both providers answer alike).
        using var pair = new ProviderPair();
        var random = new Random(2);
        // afterimage sends one line per metric: an event's tokens and times arrive as separate events, across batches.
        foreach (var chunk in RollupFixtures.Events(random, 5_000, wide: true).SelectMany(RollupFixtures.Split).Chunk(777))
        {
            pair.Write(new PendingWrite("r", "default", [.. chunk], 0));
        }
        var raw = new RunPageLoader(new SqliteMetricReader(pair.Sqlite), new SqliteRunPointVisitor(pair.Sqlite));
        var fast = new RunPageLoader(new PostgresMetricReader(pair.Postgres), new PostgresRunPointVisitor(pair.Postgres),
            new PostgresRunBucketReader(pair.Postgres));
        var now = Timestamps.FromMicros(RollupFixtures.Base + 3 * RollupLevels.Hour);

        foreach (var (from, to) in RollupFixtures.Ranges(random, 25).Append((long.MinValue, long.MaxValue)))
        {
            var range = new RunRange("custom", from, to, null, null);
            RollupFixtures.AssertSame(raw.Load("r", range, now)!.State, fast.Load("r", range, now)!.State, $"range [{from}, {to}]");
        }
    }

    [PostgresFact]
    public void StatsSeriesTokens_AnyRange_EqualRawComputation()
    {
        var random = new Random(7);
        WriteEvents(RollupFixtures.Events(random, 3_000, wide: false), 500);
        // More than the exact limit of one metric, so whole ranges take the sketch path.
        WritePoints(Points(random, RollupReading.ExactLimit + 8_000), 10_000);
        var runId = _reader.GetRunId("r")!.Value;
        var (first, last) = _reader.GetExtent(runId, "m")!.Value;
        long[] steps = [1_000_000, 5_000_000, 60_000_000, 90_000_000, 3_600_000_000, 1_500_000, 250_000];

        foreach (var (a, b) in RollupFixtures.Ranges(random, 60).Append((long.MinValue, long.MaxValue)))
        {
            var values = _reader.GetValues(runId, "m", a, b);
            var expected = MetricStats.From(values);
            var actual = _reader.GetFiniteStats(runId, "m", a, b);
            (actual.Count, actual.Min, actual.Max).Should().Be((expected.Count, expected.Min, expected.Max), $"[{a}, {b}]");
            if (values.Count <= RollupReading.ExactLimit)
            {
                actual.Should().Be(expected, "few points are computed exactly");
            }
            else
            {
                var scale = values.Sum(Math.Abs) / values.Count;
                actual.Mean!.Value.Should().BeApproximately(expected.Mean!.Value, 1e-12 * scale + 1e-300);
                // The merged rollup sketches equal one sketch of the range's points (whose 1% bound QuantileSketchTests prove).
                var sketch = new QuantileSketch();
                values.ForEach(sketch.Add);
                foreach (var (q, p) in new[] { (0.5, actual.P50), (0.9, actual.P90), (0.95, actual.P95), (0.99, actual.P99) })
                {
                    p.Should().Be(sketch.Quantile(q), $"p{q * 100} of [{a}, {b}]");
                }
            }

            var (from, to) = (a == long.MinValue ? first : a, b == long.MaxValue ? last : b);
            var step = steps[random.Next(steps.Length)];
            if (from <= to && (to - from) / step <= 5_000)
            {
                var rawSeries = _reader.GetSeriesFromPoints(runId, "m", from, to, step);
                var series = _reader.GetSeries(runId, "m", from, to, step);
                series.Select(x => (x.T, x.Count, x.Min, x.Max)).Should().Equal(rawSeries.Select(x => (x.T, x.Count, x.Min, x.Max)), $"[{from}, {to}] step {step}");
                series.Select(x => x.Mean).Should().Equal(rawSeries.Select(x => x.Mean), (x, y) => Math.Abs(x - y) <= 1e-9 * Math.Abs(y) + 1e-12);
            }

            var since = a == long.MinValue ? long.MinValue : a;
            _reader.GetTokenUsage(runId, since).Should().BeEquivalentTo(_reader.GetTokenUsageFromPoints(runId, since), $"tokens from {since}");
        }
    }

    [PostgresFact]
    public void CountEventsSince_AnyTime_CountsStoredEventsFromItsSecond()
    {
        var events = RollupFixtures.Events(new Random(3), 2_000, wide: false).ToList();
        WriteEvents(events, 300);
        var runId = _reader.GetRunId("r")!.Value;
        var points = new PostgresRunPointReader(_data);

        foreach (var since in events.Where((_, i) => i % 97 == 0).Select(e => e.Timestamp + 1))
        {
            var second = RollupLevels.BucketOf(since, RollupLevels.Second);
            points.CountEventsSince(runId, since).Should().Be(events.Count(e => e.Timestamp >= second));
        }
    }

    [PostgresFact]
    public void Migrate_StoreWrittenBeforeRollups_BackfillEqualsWhatTheWriterKept()
    {
        WriteEvents(RollupFixtures.Events(new Random(5), 4_000, wide: true).SelectMany(RollupFixtures.Split), 500);
        var kept = Rows();
        var runId = _reader.GetRunId("r")!.Value;
        var stats = _reader.GetFiniteStats(runId, MetricNames.GenerationTime, long.MinValue, long.MaxValue);

        // Back to a store at version 11 (no rollup tables, nor the tables of later steps), then migrate as a start-up would.
        Execute("""
            DROP TABLE point_rollups, run_event_seconds, token_rollups, prediction_rollups, prediction_time_rollups, pipeline_rollups,
                notification_groups;
            UPDATE schema_version SET version = 11
            """);
        new PostgresSchemaMigrator(_data, NullLogger<PostgresSchemaMigrator>.Instance).Migrate().Should().Be(PostgresSchemaMigrations.Steps[^1].Version);

        kept.Should().NotBeEmpty();
        AssertSameRows(Rows(), kept);
        _reader.GetFiniteStats(runId, MetricNames.GenerationTime, long.MinValue, long.MaxValue).Should().Be(stats);
    }

    [PostgresFact]
    public void Write_TwoWritersTakeTurnsOnOneRun_RollupsEqualBackfill()
    {
        using var other = new PostgresPointWriter(_data, new PostgresPartitions(), TimeProvider.System);
        // One line per metric: the parts of one record (tokens, generation or evaluation time) reach both writers.
        var chunks = RollupFixtures.Events(new Random(8), 3_000, wide: true).SelectMany(RollupFixtures.Split).Chunk(37).ToList();

        for (var i = 0; i < chunks.Count; i++)
        {
            (i % 3 == 0 ? other : _writer).Write([new PendingWrite("r", "default", [.. chunks[i]], 0)]);
        }

        AssertRollupsEqualBackfill();
    }

    [PostgresFact]
    public void Write_TwoWritersAtOnceOnOneRun_RollupsEqualBackfill()
    {
        using var other = new PostgresPointWriter(_data, new PostgresPartitions(), TimeProvider.System);
        var chunks = RollupFixtures.Events(new Random(9), 3_000, wide: false).SelectMany(RollupFixtures.Split).Chunk(23).ToList();

        Parallel.ForEach([_writer, other], new ParallelOptions { MaxDegreeOfParallelism = 2 }, writer =>
        {
            var turn = writer == _writer ? 0 : 1;
            foreach (var chunk in chunks.Where((_, i) => i % 2 == turn))
            {
                writer.Write([new PendingWrite("r", "default", [.. chunk], 0)]);
            }
        });

        AssertRollupsEqualBackfill();
    }

    [PostgresFact]
    public void Purge_DeletedRun_TakesItsRollups()
    {
        WriteEvents(RollupFixtures.Events(new Random(4), 500, wide: false), 100);
        _writer.Write([new PendingWrite("other", "default", [.. RollupFixtures.Events(new Random(6), 50, wide: false)], 0)]);
        var runId = _reader.GetRunId("r")!.Value;
        var deletion = new PostgresRunDeletionStore(_data, _writer, new PostgresPartitions());

        deletion.MarkDeleted("r", 0).Should().BeTrue();
        deletion.Purge(runId, CancellationToken.None);

        foreach (var table in new[] { "point_rollups", "run_event_seconds", "token_rollups" })
        {
            Scalar($"SELECT COUNT(*) FROM {table} WHERE run_id = {runId}").Should().Be(0, table);
            Scalar($"SELECT COUNT(*) FROM {table}").Should().BeGreaterThan(0, $"{table} keeps the other run's rows");
        }
    }

    private void WriteEvents(IEnumerable<ExpandedEvent> events, int batch)
    {
        foreach (var chunk in events.Chunk(batch))
        {
            _writer.Write([new PendingWrite("r", "default", [.. chunk], 0)]);
        }
    }

    private void WritePoints(IEnumerable<(long Ts, double Value, string? Model)> points, int batch) =>
        WriteEvents(points.Select(p =>
        {
            var e = new ExpandedEvent { Id = null, Timestamp = p.Ts, Type = "metric" };
            e.Points.Add(new MetricPoint("m", p.Ts, p.Value, p.Model, null));
            return e;
        }), batch);

    /// <summary>Values over many magnitudes and both signs, around bucket boundaries of every width, many sharing a time.</summary>
    private static IEnumerable<(long Ts, double Value, string? Model)> Points(Random random, int n)
    {
        string?[] models = [null, "a", "b"];
        var ts = RollupFixtures.Base - RollupLevels.Hour + 7;
        for (var i = 0; i < n; i++)
        {
            ts += random.Next(10) switch
            {
                0 => 0,
                1 => random.Next(1, 3) * RollupLevels.Minute,
                _ => random.Next(0, 400_000),
            };
            var value = (random.Next(4) == 0 ? -1 : 1) * Math.Exp(random.NextDouble() * 20 - 10);
            yield return (ts, random.Next(50) == 0 ? 0 : value, models[random.Next(models.Length)]);
        }
    }

    /// <summary>The rollups the writers kept equal those a migration rebuilds from the stored points (the raw truth).</summary>
    private void AssertRollupsEqualBackfill()
    {
        var kept = Rows();
        Execute("""
            DROP TABLE point_rollups, run_event_seconds, token_rollups, prediction_rollups, prediction_time_rollups, pipeline_rollups,
                notification_groups;
            UPDATE schema_version SET version = 11
            """);
        new PostgresSchemaMigrator(_data, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();

        kept.Should().NotBeEmpty();
        AssertSameRows(Rows(), kept);
    }

    /// <summary>Every rollup row as text, and its sum apart (the writer adds per batch, the backfill per point: equal to rounding).</summary>
    private List<(string Row, double Sum)> Rows()
    {
        var rows = new List<(string, double)>();
        foreach (var sql in new[]
        {
            "SELECT run_id, metric_id, width, bucket, model, count, min, max, int_sum, encode(sketch, 'hex'), sum FROM point_rollups ORDER BY 1, 2, 3, 4, 5",
            // Event seconds are left out: the writer counts stored events, a backfill can only count distinct event times
            // per second (the points keep no event boundaries), as SQLite's step 12 does.
            "SELECT run_id, second, 0::float8 FROM run_event_seconds ORDER BY 1, 2",
            // A row whose events were all taken back (a record's later part made it a judge's) is left at zero; readers skip it.
            "SELECT run_id, width, bucket, model, judge, prompt, completion, total, events, derived, total_value FROM token_rollups WHERE events <> 0 ORDER BY 1, 2, 3, 4, 5",
        })
        {
            using var c = _data.OpenConnection();
            using var cmd = new NpgsqlCommand(sql, c);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var text = string.Join('|', Enumerable.Range(0, r.FieldCount - 1).Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)));
                rows.Add((text, r.GetDouble(r.FieldCount - 1)));
            }
        }
        return rows;
    }

    private static void AssertSameRows(List<(string Row, double Sum)> actual, List<(string Row, double Sum)> expected)
    {
        for (var i = 0; i < Math.Min(actual.Count, expected.Count); i++)
        {
            actual[i].Row.Should().Be(expected[i].Row, $"row {i}");
        }
        actual.Count.Should().Be(expected.Count);
        actual.Select(r => r.Sum).Should().Equal(expected.Select(r => r.Sum), (a, e) => Math.Abs(a - e) <= 1e-9 * Math.Abs(e) + 1e-9);
    }

    private void Execute(string sql)
    {
        using var c = _data.OpenConnection();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var c = _data.OpenConnection();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

