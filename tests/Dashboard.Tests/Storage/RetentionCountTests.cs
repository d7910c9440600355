using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Retention on SQLite takes deleted points off the per-metric counts chunk by chunk, in each chunk's transaction: the
/// counts are right at every commit, so no recount over whole runs holds the writer after the delete.
/// </summary>
public sealed class RetentionCountTests : IDisposable
{
    private const long Base = 1_795_000_000_000_000; // an hour boundary
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void DeleteBefore_ManyChunks_CountsRightAtEveryCommitAndWritesGoBetweenChunks()
    {
        var random = new Random(5);
        // Five and a bit chunks of points older than the cutoff's hour over two runs, three metrics, with and without models.
        foreach (var run in new[] { "a", "b" })
        {
            _store.Write(run, Enumerable.Range(0, 5_300).Select(i => (
                Name: random.Next(3) switch { 0 => "x", 1 => "y", _ => "z" },
                Ts: Base - 2 * RollupLevels.Hour + i * 1_000_000L,
                Value: random.NextDouble(),
                Model: random.Next(2) == 0 ? null : "m")));
        }
        var old = _store.Scalar($"SELECT COUNT(*) FROM points WHERE ts < {Base}");
        var store = new SqliteRunDeletionStore(_store.Writer);
        var chunks = new List<long>();
        var wrongCounts = new List<long>();
        store.ChunkCommitted = n =>
        {
            chunks.Add(n);
            // A commit between two chunks: the writer is free, and the counts it sees are already right.
            _store.Write("a", [("x", Base + RollupLevels.Hour + chunks.Count, 1.0, "m")]);
            wrongCounts.Add(CountWrongSeries());
        };

        var (points, _) = store.DeleteBefore(Base + 17, CancellationToken.None);

        points.Should().Be(old);
        chunks.Should().HaveCountGreaterThan(3).And.OnlyContain(n => n <= SqliteRunDeletionStore.BatchRows);
        chunks.Sum().Should().Be(old);
        wrongCounts.Should().OnlyContain(n => n == 0, "every chunk's commit leaves counts equal to the stored points");
        CountWrongSeries().Should().Be(0);
        _store.Scalar("SELECT SUM(count) FROM run_metrics").Should().Be(_store.Scalar("SELECT COUNT(*) FROM points"));
        _store.Scalar($"SELECT COUNT(*) FROM points WHERE ts < {Base}").Should().Be(0);
        _store.Scalar("SELECT COUNT(*) FROM points WHERE ts >= " + Base).Should().Be(chunks.Count + 2 * 5_300 - old,
            "points from the cutoff's hour on stay, and every write made between chunks was stored");
    }

    [Fact]
    public async Task DeleteBefore_CommitQueuedAfterAChunk_StoredBeforeTheNextChunk()
    {
        _store.Write("a", Enumerable.Range(0, 9_000).Select(i => ("x", Base - 2 * RollupLevels.Hour + i * 1_000_000L, 1.0, (string?)null)));
        var store = new SqliteRunDeletionStore(_store.Writer);
        // Only the yield orders the two here, never how long anything takes: the chunk waits for the queued commit.
        store.Chunks.YieldWait = TimeSpan.FromMinutes(2);
        Task? write = null;
        var storedAtChunk = new List<long>();
        store.ChunkCommitted = _ =>
        {
            storedAtChunk.Add(_store.Scalar($"SELECT COUNT(*) FROM points WHERE ts = {Base + 5}"));
            if (write is null)
            {
                write = Task.Run(() => _store.Write("a", [("x", Base + 5, 2.0, null)]));
                SpinWait.SpinUntil(() => _store.Writer.WritesWaiting > 0 || write.IsCompleted, TimeSpan.FromMinutes(2)).Should().BeTrue();
            }
        };

        store.DeleteBefore(Base, CancellationToken.None);
        await write!.WaitAsync(TimeSpan.FromMinutes(2));

        storedAtChunk.Should().HaveCountGreaterThan(2);
        storedAtChunk[0].Should().Be(0);
        storedAtChunk.Skip(1).Should().OnlyContain(n => n == 1, "the commit queued after the first chunk was stored before the second chunk");
    }

    [Fact]
    public void DeleteBefore_OldRollupsOfEveryKind_GoneWithTheirPointsNewOnesStay()
    {
        // Whole hours, so every rollup bucket is either before the cutoff or from it on.
        var hour = RollupLevels.BucketOf(Base, RollupLevels.Hour);
        var old = hour - 3 * RollupLevels.Hour;
        foreach (var (run, ts) in new[] { ("a", old), ("a", hour + 10), ("b", old + 7), ("b", hour + 20) })
        {
            var e = new Dashboard.Core.ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            e.Points.Add(new Dashboard.Core.MetricPoint("generation_time", ts, 1.5, "m", null));
            e.Points.Add(new Dashboard.Core.MetricPoint("prompt_token_count", ts, 10, "m", null));
            e.Points.Add(new Dashboard.Core.MetricPoint("prediction_confidence", ts, 0.5, null, "{\"label\":\"x\"}"));
            e.Points.Add(new Dashboard.Core.MetricPoint("pipeline_success", ts, 1, null, "{\"pipeline\":\"p\"}"));
            e.Points.Add(new Dashboard.Core.MetricPoint("prediction_processing_time", ts, 0.2, null, null));
            e.Points.Add(new Dashboard.Core.MetricPoint("odd", ts, double.NaN, null, null));
            _store.WriteEvents(run, [e]);
        }
        string[] tables = ["point_rollups", "token_rollups", "prediction_rollups", "prediction_time_rollups", "pipeline_rollups"];
        tables.Should().OnlyContain(t => _store.Scalar($"SELECT COUNT(*) FROM {t} WHERE bucket < {hour}") > 0, "every kind of rollup was written");

        new SqliteRunDeletionStore(_store.Writer).DeleteBefore(hour, CancellationToken.None);

        foreach (var table in tables)
        {
            _store.Scalar($"SELECT COUNT(*) FROM {table} WHERE bucket < {hour}").Should().Be(0, table);
            _store.Scalar($"SELECT COUNT(*) FROM {table} WHERE bucket >= {hour}").Should().BeGreaterThan(0, table);
        }
        _store.Scalar($"SELECT COUNT(*) FROM run_event_seconds WHERE second < {hour}").Should().Be(0);
        _store.Scalar($"SELECT COUNT(*) FROM points WHERE ts < {hour}").Should().Be(0);
        _store.Scalar($"SELECT COUNT(*) FROM nonfinite_points WHERE ts < {hour}").Should().Be(0);
        _store.Scalar($"SELECT COUNT(*) FROM points WHERE ts >= {hour}").Should().Be(10);
        _store.Scalar($"SELECT COUNT(*) FROM nonfinite_points WHERE ts >= {hour}").Should().Be(2);
    }

    [Fact]
    public void DeleteBefore_NothingOld_NoChunkChangesCounts()
    {
        _store.Write("a", [("x", Base + 5, 1.0, "m"), ("x", Base + 6, 2.0, null)]);
        var store = new SqliteRunDeletionStore(_store.Writer);

        var (points, _) = store.DeleteBefore(Base, CancellationToken.None);

        points.Should().Be(0);
        _store.Scalar("SELECT count FROM run_metrics").Should().Be(2);
        _store.Scalar("SELECT model_points FROM run_metrics").Should().Be(1);
    }

    /// <summary>Series whose stored count or model count differs from their points.</summary>
    private long CountWrongSeries() => _store.Scalar("""
        SELECT COUNT(*) FROM run_metrics m
        WHERE m.count <> (SELECT COUNT(*) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id)
           OR m.model_points <> (SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id)
        """);
}
