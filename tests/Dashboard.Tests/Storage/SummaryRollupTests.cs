using Dashboard.Storage;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Tests.Storage;

/// <summary>The prediction and pipeline summaries from rollups + raw edges against the raw computation (SQLite).</summary>
public sealed class SummaryRollupTests : IDisposable
{
    private const long Base = 1_795_000_000_000_000; // an hour boundary: 2026-11-18T00:00:00Z
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void GetTotals_RollupPath_EqualsRawComputation()
    {
        var random = new Random(21);
        _store.WriteEvents("r", SummaryData.Events(random, 12_000, Base));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var fast = new SqlitePredictionReader(_store.Connections, exactLimit: 0);
        _store.Scalar("SELECT COUNT(*) FROM prediction_rollups WHERE width = 3600000000").Should().BeGreaterThan(10, "the writer kept rollups");

        foreach (var from in SummaryData.Starts(random, Base, 50))
        {
            SummaryData.AssertSame(fast.GetTotals(runId, from), fast.GetRawTotals(runId, from), sketched: true, $"from {from}");
        }
    }

    [Fact]
    public void Write_TwoBatches_CommitsCarryTheRunsEventCountThatReadsReport()
    {
        var events = SummaryData.Events(new Random(25), 30, Base).ToList();

        var (_, first) = _store.Writer.Write([new PendingWrite("r", "default", [.. events.Take(20)], 0), new PendingWrite("s", "default", [.. events.Take(3)], 0)]);
        var (_, second) = _store.Writer.Write([new PendingWrite("r", "default", [.. events.Skip(20)], 0)]);

        first.Runs.Select(r => (r.Run, r.RunEvents)).Should().BeEquivalentTo([("r", 20L), ("s", 3L)]);
        second.Runs.Single().RunEvents.Should().Be(30);
        var reader = new SqlitePredictionReader(_store.Connections);
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        reader.GetTotals(runId, long.MinValue).RunEvents.Should().Be(30);
        new SqlitePredictionReader(_store.Connections, exactLimit: 0).GetTotals(runId, long.MinValue).RunEvents.Should().Be(30);
        reader.GetRunEvents(runId).Should().Be(30);
    }

    [Fact]
    public void GetTotals_FewPoints_EqualsRawComputationExactly()
    {
        var random = new Random(22);
        _store.WriteEvents("r", SummaryData.Events(random, 2_000, Base));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var reader = new SqlitePredictionReader(_store.Connections);

        foreach (var from in SummaryData.Starts(random, Base, 20))
        {
            var window = TimeWindow.All;
            var summary = Dashboard.Predictions.PredictionSummaryCalculator.Compute("r", window, reader.GetTotals(runId, from));
            var raw = Dashboard.Predictions.PredictionSummaryCalculator.Compute("r", window, reader.GetRawTotals(runId, from));
            summary.Should().BeEquivalentTo(raw, o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void GetAggregates_RollupPath_EqualsRawComputation()
    {
        var random = new Random(23);
        _store.WriteEvents("a", SummaryData.Events(random, 6_000, Base));
        _store.WriteEvents("b", SummaryData.Events(random, 6_000, Base + 1_234_567));
        var a = _store.Scalar("SELECT id FROM runs WHERE name = 'a'");
        var fast = new SqlitePipelineReader(_store.Connections, exactLimit: 0);

        foreach (var from in SummaryData.Starts(random, Base, 30))
        {
            foreach (var (run, project) in new (long?, string?)[] { (null, null), (a, null), (null, "default"), (a, "other") })
            {
                SummaryData.AssertSame(fast.GetAggregates(from, run, project), fast.GetRawAggregates(from, run, project), $"from {from}");
            }
        }
    }

    [Fact]
    public void Backfill_StoredPoints_SameRollupsAsTheWriterKept()
    {
        var random = new Random(24);
        _store.WriteEvents("r", SummaryData.Events(random, 8_000, Base));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var predictions = new SqlitePredictionReader(_store.Connections, exactLimit: 0);
        var pipelines = new SqlitePipelineReader(_store.Connections, exactLimit: 0);
        var starts = SummaryData.Starts(random, Base, 20).ToList();
        var before = starts.Select(f => (predictions.GetTotals(runId, f), pipelines.GetAggregates(f, null, null))).ToList();

        using (var c = _store.Connections.Open())
        {
            SchemaMigrator.RegisterFunctions(c);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM prediction_rollups; DELETE FROM prediction_time_rollups; DELETE FROM pipeline_rollups;" + SchemaMigrations.SummaryBackfillSql;
            cmd.ExecuteNonQuery();
        }

        _store.Scalar("SELECT COUNT(*) FROM prediction_time_rollups WHERE sketch IS NULL AND count > 0").Should().Be(0);
        for (var i = 0; i < starts.Count; i++)
        {
            SummaryData.AssertSame(predictions.GetTotals(runId, starts[i]), before[i].Item1, sketched: false, $"from {starts[i]}");
            SummaryData.AssertSame(pipelines.GetAggregates(starts[i], null, null), before[i].Item2, $"from {starts[i]}");
        }
    }

    [Fact]
    public void Purge_DeletedRun_RemovesItsRowsAndLeavesOthers()
    {
        _store.WriteEvents("r", SummaryData.Events(new Random(25), 3_000, Base).Select((e, i) => Identified(e, i)));
        _store.WriteEvents("kept", SummaryData.Events(new Random(26), 500, Base).Select((e, i) => Identified(e, i)));
        var runId = _store.Scalar("SELECT id FROM runs WHERE name = 'r'");
        var kept = _store.Scalar("SELECT id FROM runs WHERE name = 'kept'");
        var before = Tables.ToDictionary(t => t, t => _store.Scalar($"SELECT COUNT(*) FROM {t} WHERE run_id = {kept}"));
        var deletion = new SqliteRunDeletionStore(_store.Writer, _store.Connections);

        deletion.MarkDeleted("r", Base).Should().BeTrue();
        deletion.Purge(runId, CancellationToken.None);

        foreach (var table in Tables)
        {
            _store.Scalar($"SELECT COUNT(*) FROM {table} WHERE run_id = {runId}").Should().Be(0, table);
            _store.Scalar($"SELECT COUNT(*) FROM {table} WHERE run_id = {kept}").Should().Be(before[table], table).And.BePositive(table);
        }
    }

    private static readonly string[] Tables = ["points", "event_ids", "prediction_rollups", "prediction_time_rollups", "pipeline_rollups"];

    private static ExpandedEvent Identified(ExpandedEvent e, int i)
    {
        var copy = new ExpandedEvent { Id = $"e{i:D5}", Timestamp = e.Timestamp, Type = e.Type };
        copy.Points.AddRange(e.Points);
        return copy;
    }
}
