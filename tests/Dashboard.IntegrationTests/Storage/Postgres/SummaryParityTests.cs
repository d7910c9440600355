using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Dashboard.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>
/// The prediction and pipeline summaries from rollups + raw edges on PostgreSQL: equal to its raw computation, to
/// SQLite's answers over the same writes, and after the schema step's backfill.
/// </summary>
public sealed class SummaryParityTests : IDisposable
{
    private const long Base = 1_795_000_000_000_000; // an hour boundary
    private readonly ProviderPair _pair = new();

    public void Dispose() => _pair.Dispose();

    [PostgresFact]
    public void GetTotals_RollupPath_EqualsRawAndSqlite()
    {
        var random = new Random(31);
        Write("r", SummaryData.Events(random, 6_000, Base));
        var (sqliteRun, postgresRun) = (RunId(_pair.Sqlite, "r"), PostgresRunId("r"));
        var sqlite = new SqlitePredictionReader(_pair.Sqlite, exactLimit: 0);
        var postgres = new PostgresPredictionReader(_pair.Postgres, exactLimit: 0);

        foreach (var from in SummaryData.Starts(random, Base, 25))
        {
            var fast = postgres.GetTotals(postgresRun, from);
            SummaryData.AssertSame(fast, postgres.GetRawTotals(postgresRun, from), sketched: true, $"from {from}");
            SummaryData.AssertSame(fast, sqlite.GetTotals(sqliteRun, from), sketched: false, $"from {from}, SQLite");
        }
    }

    [PostgresFact]
    public void GetAggregates_RollupPath_EqualsRawAndSqlite()
    {
        var random = new Random(32);
        Write("a", SummaryData.Events(random, 3_000, Base));
        Write("b", SummaryData.Events(random, 3_000, Base + 7_654_321));
        var postgresA = PostgresRunId("a");
        var sqlite = new SqlitePipelineReader(_pair.Sqlite, exactLimit: 0);
        var postgres = new PostgresPipelineReader(_pair.Postgres, exactLimit: 0);

        foreach (var from in SummaryData.Starts(random, Base, 20))
        {
            SummaryData.AssertSame(postgres.GetAggregates(from, null, null), postgres.GetRawAggregates(from, null, null), $"from {from}");
            SummaryData.AssertSame(postgres.GetAggregates(from, postgresA, "default"), postgres.GetRawAggregates(from, postgresA, "default"), $"from {from}");
            SummaryData.AssertSame(postgres.GetAggregates(from, null, "default"), sqlite.GetAggregates(from, null, "default"), $"from {from}, SQLite");
        }
    }

    [PostgresFact]
    public void Migrate_StoreWrittenBeforeStep14_BackfillsSketchesAndAnswersWithinTheirError()
    {
        var random = new Random(33);
        Write("r", SummaryData.Events(random, 4_000, Base));
        var runId = PostgresRunId("r");
        using (var c = _pair.Postgres.OpenConnection())
        {
            // A store from before step 14: no summary rollup tables, schema version 13; start-up migrates it.
            using var cmd = new NpgsqlCommand(
                "DROP TABLE prediction_rollups; DROP TABLE prediction_time_rollups; DROP TABLE pipeline_rollups; UPDATE schema_version SET version = 13", c);
            cmd.ExecuteNonQuery();
        }
        new PostgresSchemaMigrator(_pair.Postgres, NullLogger<PostgresSchemaMigrator>.Instance).Migrate().Should().Be(PostgresSchemaMigrations.Steps[^1].Version);
        var predictions = new PostgresPredictionReader(_pair.Postgres, exactLimit: 0);
        var pipelines = new PostgresPipelineReader(_pair.Postgres, exactLimit: 0);

        CountUnsketchedTimeRows().Should().Be((0, CountTimeRows()), "every backfilled row holding processing times carries a sketch");
        CountTimeRows().Should().BeGreaterThan(0);
        foreach (var from in SummaryData.Starts(random, Base, 15))
        {
            // sketched: percentiles from the backfilled sketches, within their stated 1% of the exact raw ones.
            SummaryData.AssertSame(predictions.GetTotals(runId, from), predictions.GetRawTotals(runId, from), sketched: true, $"from {from}");
            SummaryData.AssertSame(pipelines.GetAggregates(from, null, null), pipelines.GetRawAggregates(from, null, null), $"from {from}");
        }
    }

    [PostgresFact]
    public void Backfill_SketchesEqualTheWritersSketches()
    {
        var random = new Random(34);
        Write("r", SummaryData.Events(random, 3_000, Base));
        var kept = ReadSketches();
        using (var c = _pair.Postgres.OpenConnection())
        {
            using var tx = c.BeginTransaction();
            using var cmd = new NpgsqlCommand(
                "DELETE FROM prediction_rollups; DELETE FROM prediction_time_rollups; DELETE FROM pipeline_rollups;" + PostgresSchemaMigrations.SummaryBackfillSql, c, tx);
            cmd.ExecuteNonQuery();
            PostgresRollupBackfill.PredictionTimeSketches(c, tx);
            tx.Commit();
        }

        ReadSketches().Should().Equal(kept, "the backfill folds the same values into the same bins as the writer");
    }

    private (long Unsketched, long Rows) CountUnsketchedTimeRows()
    {
        using var c = _pair.Postgres.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT COUNT(*) FILTER (WHERE sketch IS NULL), COUNT(*) FROM prediction_time_rollups WHERE count > 0", c);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private long CountTimeRows() => CountUnsketchedTimeRows().Rows;

    /// <summary>Each time row with processing times: its key and its sketch's bytes as hex (comparable).</summary>
    private List<string> ReadSketches()
    {
        using var c = _pair.Postgres.OpenConnection();
        using var cmd = new NpgsqlCommand(
            "SELECT run_id, width, bucket, count, encode(sketch, 'hex') FROM prediction_time_rollups WHERE count > 0 ORDER BY 1, 2, 3", c);
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            rows.Add($"{r.GetInt64(0)}/{r.GetInt64(1)}/{r.GetInt64(2)}/{r.GetInt64(3)}: {(r.IsDBNull(4) ? "null" : r.GetString(4))}");
        }
        return rows;
    }

    private void Write(string run, IEnumerable<Dashboard.Core.ExpandedEvent> events)
    {
        foreach (var chunk in events.Chunk(1_000))
        {
            _pair.Write(ProviderPair.Write(run, chunk));
        }
    }

    private static long RunId(SqliteConnectionFactory connections, string run)
    {
        using var c = connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id FROM runs WHERE name = $n";
        cmd.Parameters.AddWithValue("$n", run);
        return (long)cmd.ExecuteScalar()!;
    }

    private long PostgresRunId(string run)
    {
        using var c = _pair.Postgres.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id FROM runs WHERE name = $1", c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = run });
        return (long)cmd.ExecuteScalar()!;
    }
}
