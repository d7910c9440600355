using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Npgsql;
using static Dashboard.IntegrationTests.Storage.Postgres.ProviderPair;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>The run page's, quota's, pipelines page's and deletion's PostgreSQL twins answer what their SQLite twins answer.</summary>
public sealed class RunReaderParityTests : IDisposable
{
    private const long Minute = 60_000_000L;
    private static readonly long Start = Timestamps.ToMicros(DateTimeOffset.UtcNow) - 40 * Minute;
    private readonly ProviderPair _pair = TestPostgres.Server is null ? null! : new ProviderPair();

    public void Dispose() => _pair?.Dispose();

    // Equal timestamps within a batch and across batches (arrival order must survive), two models, metadata keys.
    private void Seed()
    {
        for (var i = 0; i < 30; i++)
        {
            var ts = Start + (i / 3) * Minute;
            _pair.Write(
                Write("run-a", "alpha",
                    Event(null, ts, ("generation_time", 10 - i * 0.3, i % 2 == 0 ? "m1" : "m2", $$"""{"step":{{i}},"note":"x{{i % 4}}"}"""),
                        ("success_rate", i % 5 == 0 ? 0.0 : 1.0, "m1", null)),
                    Event(null, ts, ("generation_time", i * 0.5, (string?)null, """{"other":1}"""))),
                Write("pipes", "beta",
                    Event($"p{i}", ts, ("pipeline_success", i % 4 == 0 ? 0.0 : 1.0, null, $$"""{"pipeline":"etl{{i % 2}}","why":"w{{i}}"}"""),
                        ("pipeline_execution_time", 1.0 + i, null, $$"""{"pipeline":"etl{{i % 2}}"}""")),
                    Event(null, ts, ("prediction_confidence", 0.5, null, $$"""{"label":"L{{i % 3}}"}"""),
                        ("evaluation_time", 2.0, (string?)null, $$"""{"evaluator_type":"judge{{i % 2}}"}"""))));
        }
    }

    [PostgresFact]
    public void RunPointReader_EveryRead_Same()
    {
        Seed();
        var sqlite = new SqliteRunPointReader(_pair.Sqlite);
        var postgres = new PostgresRunPointReader(_pair.Postgres);
        using var a = sqlite.Open("run-a")!;
        using var b = postgres.Open("run-a")!;

        b.Project.Should().Be(a.Project);
        b.LastTs.Should().Be(a.LastTs);
        foreach (var (from, to) in new[] { (long.MinValue, long.MaxValue), (Start + Minute, Start + 4 * Minute), (Start + 99 * Minute, long.MaxValue) })
        {
            var (ta, va, ma) = (new List<long>(), new List<double>(), new List<(string?, double)>());
            var (tb, vb, mb) = (new List<long>(), new List<double>(), new List<(string?, double)>());
            a.ReadPoints("generation_time", from, to, ta, va, (m, v) => ma.Add((m, v)));
            b.ReadPoints("generation_time", from, to, tb, vb, (m, v) => mb.Add((m, v)));
            tb.Should().Equal(ta);
            vb.Should().Equal(va, "equal timestamps come back in arrival order on both");
            mb.Should().BeEquivalentTo(ma, "each value reaches its model (SQLite calls back in index order, before sorting ties)");
            b.CountPoints("generation_time", from, to).Should().Be(a.CountPoints("generation_time", from, to));
            // SQLite leaves the order of equal timestamps open; PostgreSQL gives the newest arrival first.
            b.GetLatestWithMetadataKey("generation_time", "note", from, to, 100).Should().BeEquivalentTo(a.GetLatestWithMetadataKey("generation_time", "note", from, to, 100));
        }
        b.GetLatestWithMetadataKey("generation_time", "step", long.MinValue, long.MaxValue, 2).Select(p => p.Metadata)
            .Should().Equal("""{"step":29,"note":"x1"}""", """{"step":28,"note":"x0"}""");
        b.CountPoints("no_such_metric", long.MinValue, long.MaxValue).Should().Be(0);
        postgres.Open("missing").Should().BeNull();
        // Both count stored events from their per-second rollups: 30 events since minute 5.
        sqlite.CountEventsSince(a.RunId, Start + 5 * Minute + 1).Should().Be(30);
        postgres.CountEventsSince(b.RunId, Start + 5 * Minute + 1).Should().Be(30);
        postgres.GetLatestValues(b.RunId, "generation_time", 100).Should().BeEquivalentTo(sqlite.GetLatestValues(a.RunId, "generation_time", 100));
        postgres.GetLatestValues(b.RunId, "generation_time", 3).Should().Equal([14.5, 10 - 29 * 0.3, 14.0], "newest arrival first among equal times");
    }

    [PostgresFact]
    public void RunPointVisitor_Range_SamePoints()
    {
        Seed();
        var runA = new SqliteMetricReader(_pair.Sqlite).GetRunId("run-a")!.Value;
        var runB = new PostgresMetricReader(_pair.Postgres).GetRunId("run-a")!.Value;
        var a = new List<(long, double, string?)>();
        var b = new List<(long, double, string?)>();

        new SqliteRunPointVisitor(_pair.Sqlite).VisitPoints(runA, "generation_time", Start, Start + 6 * Minute, (t, v, m) => a.Add((t, v, m)));
        new PostgresRunPointVisitor(_pair.Postgres).VisitPoints(runB, "generation_time", Start, Start + 6 * Minute, (t, v, m) => b.Add((t, v, m)));

        a.Should().NotBeEmpty();
        b.Should().BeEquivalentTo(a);
    }

    [PostgresFact]
    public void RunNameReader_NamesOfEveryKind_Same()
    {
        Seed();
        var sqlite = new SqliteRunNameReader(_pair.Sqlite);
        var postgres = new PostgresRunNameReader(_pair.Postgres);

        postgres.GetRunNames().Should().BeEquivalentTo(sqlite.GetRunNames());
        foreach (var run in new[] { "run-a", "pipes", "missing" })
        {
            var expected = sqlite.GetNames(run);
            var actual = postgres.GetNames(run);
            actual.Should().BeEquivalentTo(expected, run);
        }
        postgres.GetNames("pipes").Pipelines.Should().BeEquivalentTo(["etl0", "etl1"]);
    }

    [PostgresFact]
    public void PipelineDetailReader_TimelineLatestFailures_Same()
    {
        Seed();
        var sqlite = new SqlitePipelineDetailReader(_pair.Sqlite);
        var postgres = new PostgresPipelineDetailReader(_pair.Postgres);

        foreach (var (run, project) in new[] { ((string?)null, (string?)null), ("pipes", null), (null, "beta"), (null, "alpha") })
        {
            postgres.GetTimeline(Start, Start + 60 * Minute, 5 * Minute, run, project)
                .Should().Equal(sqlite.GetTimeline(Start, Start + 60 * Minute, 5 * Minute, run, project));
            postgres.GetLatest(Start, run, project, 4).Should().Equal(sqlite.GetLatest(Start, run, project, 4));
            postgres.GetFailures(Start, run, project, 5).Should().Equal(sqlite.GetFailures(Start, run, project, 5));
        }
        postgres.GetFailures(Start, "pipes", null, 5).Should().HaveCount(5).And.OnlyContain(f => f.ExecutionSeconds != null);
    }

    [PostgresFact]
    public void RunDeletionStore_MarkAndPurge_RunGoneEverywhere()
    {
        Seed();
        var sqlite = new SqliteRunDeletionStore(_pair.SqliteWriter);
        var postgres = new PostgresRunDeletionStore(_pair.Postgres, _pair.PostgresWriter, new PostgresPartitions());

        postgres.MarkDeleted("run-a", 1).Should().Be(sqlite.MarkDeleted("run-a", 1)).And.BeTrue();
        postgres.MarkDeleted("run-a", 2).Should().BeFalse();
        postgres.CountPendingPurges().Should().Be(1);
        var next = postgres.GetNextPurge()!.Value;
        next.Name.Should().Be("run-a");
        var purged = postgres.Purge(next.Id, CancellationToken.None);
        postgres.FinishPurge(next.Id);

        purged.Should().Be(90, "60 generation_time and 30 success_rate points");
        postgres.CountPendingPurges().Should().Be(0);
        Scalar($"SELECT COUNT(*) FROM points WHERE run_id = {next.Id}").Should().Be(0);
        new PostgresMetricReader(_pair.Postgres).GetRunId("run-a").Should().BeNull();
        new PostgresRunNameReader(_pair.Postgres).GetRunNames().Should().Equal("pipes");
    }

    [PostgresFact]
    public void RunDeletionStore_MarkDeletedWithReceivedBefore_KeepsRunsThatReceivedSince()
    {
        Seed();
        var postgres = new PostgresRunDeletionStore(_pair.Postgres, _pair.PostgresWriter, new PostgresPartitions());

        postgres.GetRunsReceivedBefore(long.MaxValue).Should().BeEquivalentTo(["run-a", "pipes"]);
        postgres.GetRunsReceivedBefore(0).Should().BeEmpty();
        postgres.MarkDeleted("pipes", 1, receivedBefore: 0).Should().BeFalse();
        postgres.MarkDeleted("pipes", 1, receivedBefore: long.MaxValue).Should().BeTrue();
    }

    [PostgresFact]
    public void DeleteBefore_OldDaysAndPartOfADay_DropsPartitionsTrimsAndCountsStayRight()
    {
        var day = 86_400_000_000L;
        var today = Start - Start % day;
        foreach (var ts in new[] { today - 3 * day + 5, today - day + 7, today + Minute, today + 3 * 3_600_000_000L })
        {
            _pair.Write(Write("old", Event(null, ts, ("generation_time", 1.0, (string?)null, (string?)null))),
                Write("old", Event(null, ts, ("generation_time", double.NaN, (string?)null, (string?)null))),
                Write("old", Event(null, ts, ("prompt_token_count", 3.0, "model-a", (string?)null))),
                Write("other", Event(null, ts + 1, ("prompt_token_count", 4.0, "model-b", (string?)null), ("x", 5.0, (string?)null, (string?)null))));
        }
        var store = new PostgresRunDeletionStore(_pair.Postgres, _pair.PostgresWriter, new PostgresPartitions());
        using var c = _pair.Postgres.OpenConnection();
        var partitionsBefore = PostgresPartitions.List(c).Count;

        var (points, _) = store.DeleteBefore(today + 2 * 3_600_000_000L + 17, CancellationToken.None);

        points.Should().Be(15, "four series' finite points and the non-finite ones, three each, are older than the cutoff's hour");
        PostgresPartitions.List(c).Count.Should().Be(partitionsBefore - 2, "the two older days were dropped whole");
        Scalar("SELECT COUNT(*) FROM points").Should().Be(4);
        // Dropped days and the trimmed day both took their points off the per-metric counts, model counts included.
        Scalar("SELECT SUM(count)::bigint FROM run_metrics").Should().Be(4);
        Scalar("SELECT SUM(model_points)::bigint FROM run_metrics").Should().Be(2);
        Scalar("""
            SELECT COUNT(*) FROM run_metrics m
            WHERE m.count <> (SELECT COUNT(*) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id)
               OR m.model_points <> (SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id)
            """).Should().Be(0);
    }

    [PostgresFact]
    public void Write_RunDeletedByAnotherInstanceAfterCaching_RecreatesTheRunAndKeepsThePoints()
    {
        _pair.Write(Write("shared", Event(null, Start, ("generation_time", 1.0, (string?)null, (string?)null))));
        // Another instance: its own writer and deletion store over the same database.
        using var otherWriter = new PostgresPointWriter(_pair.Postgres, new PostgresPartitions(), TimeProvider.System);
        new PostgresRunDeletionStore(_pair.Postgres, otherWriter, new PostgresPartitions()).MarkDeleted("shared", 1).Should().BeTrue();

        _pair.PostgresWriter.Write([Write("shared", Event(null, Start + 1, ("generation_time", 2.0, (string?)null, (string?)null)))]);

        var reader = new PostgresMetricReader(_pair.Postgres);
        var run = reader.GetRunId("shared");
        run.Should().NotBeNull("the write re-created the run instead of writing to the deleted id");
        reader.GetValues(run!.Value, "generation_time", long.MinValue, long.MaxValue).Should().Equal(2.0);
    }

    private long Scalar(string sql)
    {
        using var c = _pair.Postgres.OpenConnection();
        using var cmd = new NpgsqlCommand(sql, c);
        return (long)cmd.ExecuteScalar()!;
    }
}
