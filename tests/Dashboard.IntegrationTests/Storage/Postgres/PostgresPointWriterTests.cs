using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>The PostgreSQL writer on its own, against a fresh database of the test cluster.</summary>
public sealed class PostgresPointWriterTests : IAsyncLifetime
{
    private static readonly long Day = PostgresPartitions.MicrosPerDay;
    private NpgsqlDataSource _data = null!;
    private PostgresPointWriter _writer = null!;

    public Task InitializeAsync()
    {
        if (TestPostgres.Server is null)
        {
            return Task.CompletedTask;
        }
        _data = NpgsqlDataSource.Create(TestPostgres.NewDatabase());
        new PostgresSchemaMigrator(_data, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();
        _writer = new PostgresPointWriter(_data, new PostgresPartitions(), TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _writer?.Dispose();
        if (_data is not null)
        {
            await _data.DisposeAsync();
        }
    }

    [PostgresFact]
    public void Write_PointsOnTwoDays_StoredInTwoDayPartitionsInArrivalOrder()
    {
        var t = 20_000 * Day + 5;
        var write = Write("r1", Event(null, t, ("loss", 3.0), ("loss", 1.0)), Event(null, t + Day, ("loss", 2.0)));

        var (outcomes, batch) = _writer.Write([write]);

        outcomes[0].Should().Be(new WriteOutcome(2, 0, 3));
        batch.Runs.Should().ContainSingle().Which.Created.Should().BeTrue();
        Rows("SELECT value FROM points ORDER BY ts, seq").Should().Equal(3.0, 1.0, 2.0);
        Rows("SELECT COUNT(*)::float8 FROM pg_inherits WHERE inhparent = 'points'::regclass").Should().Equal(2.0);
        Rows("SELECT count::float8 FROM run_metrics").Should().Equal(3.0);
        Rows("SELECT event_count::float8 FROM runs").Should().Equal(2.0);
    }

    [PostgresFact]
    public void Write_SameEventIdTwiceInOneBatchAndAgainLater_StoredOnce()
    {
        var t = 20_000 * Day;

        var (first, _) = _writer.Write([Write("r1", Event("a", t, ("x", 1.0))), Write("r1", Event("a", t, ("x", 9.0)))]);
        var (second, _) = _writer.Write([Write("r1", Event("a", t, ("x", 5.0)), Event("b", t, ("x", 2.0)))]);

        first.Select(o => (o.Accepted, o.Duplicates)).Should().Equal((1, 0), (0, 1));
        second[0].Should().Be(new WriteOutcome(1, 1, 1));
        Rows("SELECT value FROM points ORDER BY seq").Should().Equal(1.0, 2.0);
    }

    [PostgresFact]
    public void Write_TwoRunsInTwoBatches_CommitsCarryTheRunsEventCountAfter()
    {
        var t = 20_000 * Day;

        var (_, first) = _writer.Write([Write("r1", Event("a", t, ("x", 1.0)), Event("b", t, ("x", 2.0))), Write("r2", Event("c", t, ("x", 3.0)))]);
        var (_, second) = _writer.Write([Write("r1", Event("a", t, ("x", 1.0)), Event("d", t, ("x", 4.0)))]);

        first.Runs.Select(r => (r.Run, r.RunEvents)).Should().BeEquivalentTo([("r1", 2L), ("r2", 1L)]);
        second.Runs.Single().RunEvents.Should().Be(3, "the duplicate is not counted");
        var runId = (long)Rows("SELECT id::float8 FROM runs WHERE name = 'r1'").Single();
        new PostgresPredictionReader(_data).GetTotals(runId, long.MinValue).RunEvents.Should().Be(3);
        new PostgresPredictionReader(_data).GetRunEvents(runId).Should().Be(3);
    }

    [PostgresFact]
    public void Write_ContentIdsReplayed_PointsStoredOnceAndEventCountedDuplicate()
    {
        var t = 20_000 * Day;
        var e1 = Event(null, t, ("x", 1.0));
        e1.Points[0] = e1.Points[0] with { ContentId = "c1" };

        _writer.Write([Write("r1", e1)]);
        var (again, _) = _writer.Write([Write("r1", e1)]);

        again[0].Should().Be(new WriteOutcome(0, 1, 0));
        Rows("SELECT COUNT(*)::float8 FROM points").Should().Equal(1.0);
    }

    [PostgresFact]
    public void Write_NonFiniteAndLog_KeptApartFromPoints()
    {
        var t = 20_000 * Day;
        var e = Event(null, t, ("x", double.NaN), ("x", double.NegativeInfinity), ("x", 4.0));
        var log = new ExpandedEvent { Id = null, Timestamp = t, Type = "log", Log = new LogRecord(t, "info", "hello", null) };

        var (outcomes, _) = _writer.Write([Write("r1", e, log)]);

        outcomes[0].Should().Be(new WriteOutcome(2, 0, 4));
        Strings("SELECT value FROM nonfinite_points ORDER BY id").Should().Equal("NaN", "-Infinity");
        Strings("SELECT message FROM logs").Should().Equal("hello");
        Rows("SELECT sum FROM run_metrics").Should().Equal(4.0);
    }

    [PostgresFact]
    public void Write_NulInLogMessageAndEventId_StoredWithReplacementCharacterAndDeduplicated()
    {
        var t = 20_000 * Day;
        var log = new ExpandedEvent { Id = "id\0x", Timestamp = t, Type = "log", Log = new LogRecord(t, "info", "a\0b", null) };

        var (first, _) = _writer.Write([Write("r1", log)]);
        var (again, _) = _writer.Write([Write("r1", Event("id\0x", t, ("x", 1.0)))]);

        first[0].Accepted.Should().Be(1);
        again[0].Duplicates.Should().Be(1);
        Strings("SELECT message FROM logs").Should().Equal("a\uFFFDb");
    }

    [PostgresFact]
    public void DropBefore_CutoffInsideADay_DropsOlderPartitionsAndTrimsTheCutoffDay()
    {
        var t = 20_000 * Day;
        _writer.Write([Write("r1", Event(null, t, ("x", 1.0)), Event(null, t + Day, ("x", 2.0)), Event(null, t + Day + 10, ("x", 3.0)))]);

        var removed = _writer.RunExclusive(c => new PostgresPartitions().DropBefore(c, t + Day + 5));

        removed.Should().Be(2);
        Rows("SELECT value FROM points").Should().Equal(3.0);
        Rows("SELECT COUNT(*)::float8 FROM pg_inherits WHERE inhparent = 'points'::regclass").Should().Equal(1.0);
    }

    [PostgresFact]
    public void DropBefore_TrimOfManyStatements_TakesEveryDeletedPointOffTheCounts()
    {
        var t = 20_000 * Day;
        // One series with more points before the cut (in the cut's day) than one trim statement deletes, half with a model.
        var old = PostgresPartitions.TrimRows + 5_000;
        foreach (var chunk in Enumerable.Range(0, old + 10).Chunk(5_000))
        {
            _writer.Write([Write("r1", [.. chunk.Select(i =>
            {
                var ts = t + 1_000 + i * 10L;
                var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
                e.Points.Add(new MetricPoint("x", ts, i, i % 2 == 0 ? "m" : null, null));
                return e;
            })])]);
        }

        var removed = _writer.RunExclusive(c => new PostgresPartitions().DropBefore(c, t + 1_000 + old * 10L));

        removed.Should().Be(old);
        Rows("SELECT count::float8 FROM run_metrics").Should().Equal(10.0);
        Rows("SELECT model_points::float8 FROM run_metrics").Should().Equal(5.0);
        Rows("SELECT COUNT(*)::float8 FROM points").Should().Equal(10.0);
    }

    [PostgresFact]
    public void DropBefore_PartitionLeftDetachedByAnEarlierPass_CountsTakenOffAndDropped()
    {
        var t = 20_000 * Day;
        _writer.Write([Write("r1", Event(null, t, ("x", 1.0)), Event(null, t + 1, ("x", 2.0)), Event(null, t + 2 * Day, ("x", 3.0)))]);
        // An earlier pass that stopped (crash) after detaching the first day, before taking its points off and dropping it.
        _writer.RunExclusive(c =>
        {
            using var detach = new NpgsqlCommand($"ALTER TABLE points DETACH PARTITION {PostgresPartitions.NameOf(20_000)}", c);
            return detach.ExecuteNonQuery();
        });
        Rows("SELECT count::float8 FROM run_metrics").Should().Equal(3.0);

        var removed = _writer.RunExclusive(c => new PostgresPartitions().DropBefore(c, t - Day));

        removed.Should().Be(2, "the orphaned day's two points, though the cutoff itself is older than every point");
        Rows("SELECT count::float8 FROM run_metrics").Should().Equal(1.0);
        Rows($"SELECT COUNT(*)::float8 FROM pg_class WHERE relname = '{PostgresPartitions.NameOf(20_000)}'").Should().Equal(0.0);
    }

    [PostgresFact]
    public void Migrate_SecondTime_KeepsVersionAndData()
    {
        _writer.Write([Write("r1", Event(null, 20_000 * Day, ("x", 1.0)))]);

        var version = new PostgresSchemaMigrator(_data, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();

        version.Should().Be(PostgresSchemaMigrations.Steps[^1].Version);
        Rows("SELECT COUNT(*)::float8 FROM points").Should().Equal(1.0);
    }

    private static PendingWrite Write(string run, params ExpandedEvent[] events) => new(run, "default", events, 0);

    private static ExpandedEvent Event(string? id, long ts, params (string Name, double Value)[] points)
    {
        var e = new ExpandedEvent { Id = id, Timestamp = ts, Type = "metric" };
        e.Points.AddRange(points.Select(p => new MetricPoint(p.Name, ts, p.Value, null, null)));
        return e;
    }

    private List<double> Rows(string sql)
    {
        using var command = _data.CreateCommand(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<double>();
        while (reader.Read())
        {
            rows.Add(reader.GetDouble(0));
        }
        return rows;
    }

    private List<string> Strings(string sql)
    {
        using var command = _data.CreateCommand(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
