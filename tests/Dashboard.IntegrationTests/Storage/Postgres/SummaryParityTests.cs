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
            // A store from before step 14: no summary rollup tables (nor step 15's), schema version 13; start-up migrates it.
            using var cmd = new NpgsqlCommand(
                "DROP TABLE prediction_rollups; DROP TABLE prediction_time_rollups; DROP TABLE pipeline_rollups; DROP TABLE notification_groups; " +
                "UPDATE schema_version SET version = 13", c);
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
        RebuildSummaryRollups();

        ReadSketches().Should().Equal(kept, "the backfill folds the same values into the same bins as the writer");
    }

    [PostgresFact]
    public void Write_TwoWritersAtOnceOnOneRun_SummaryRollupsEqualBackfill()
    {
        // The summary rows ride in the counters' round trip and the time rows are locked there: two writers of one run
        // at once must still lose no count and no sketch.
        using var other = new PostgresPointWriter(_pair.Postgres, new PostgresPartitions(), TimeProvider.System);
        var chunks = SummaryData.Events(new Random(35), 3_000, Base).Chunk(41).ToList();
        Parallel.ForEach([_pair.PostgresWriter, other], new ParallelOptions { MaxDegreeOfParallelism = 2 }, writer =>
        {
            var turn = writer == other ? 1 : 0;
            foreach (var chunk in chunks.Where((_, i) => i % 2 == turn))
            {
                writer.Write([ProviderPair.Write("r", chunk)]);
            }
        });
        var kept = SummaryRows();
        RebuildSummaryRollups();

        var rebuilt = SummaryRows();
        kept.Select(r => r.Text).Should().NotBeEmpty();
        for (var i = 0; i < Math.Min(rebuilt.Count, kept.Count); i++)
        {
            rebuilt[i].Text.Should().Be(kept[i].Text, $"row {i}");
        }
        rebuilt.Count.Should().Be(kept.Count);
        // Sums: the writers add per batch in whatever order they committed, the backfill per point: equal to rounding.
        rebuilt.SelectMany(r => r.Sums).Should().Equal(kept.SelectMany(r => r.Sums), (a, e) => Math.Abs(a - e) <= 1e-9 * Math.Abs(e) + 1e-9);
    }

    /// <summary>Every summary rollup row: its exact columns (keys, counts, bounds, sketch as hex) as text, its float sums apart.</summary>
    private List<(string Text, List<double> Sums)> SummaryRows()
    {
        var rows = new List<(string, List<double>)>();
        foreach (var sql in new[]
        {
            "SELECT run_id, width, bucket, label, count, very_low, low, medium, high, very_high, below, first_ts, last_ts, sum FROM prediction_rollups ORDER BY 1, 2, 3, 4",
            // A row of errors only has nothing to sketch: the writer keeps an empty sketch there, the backfill none.
            """
            SELECT run_id, width, bucket, count, slow, errors, CASE WHEN count > 0 THEN encode(sketch, 'hex') END, sum
            FROM prediction_time_rollups WHERE count > 0 OR errors > 0 ORDER BY 1, 2, 3
            """,
            "SELECT run_id, width, bucket, pipeline, time_count, time_min, time_max, success_count, time_sum, success_sum FROM pipeline_rollups ORDER BY 1, 2, 3, 4",
        })
        {
            using var c = _pair.Postgres.OpenConnection();
            using var cmd = new NpgsqlCommand(sql, c);
            using var r = cmd.ExecuteReader();
            var sums = sql.Contains("success_sum", StringComparison.Ordinal) ? 2 : 1;
            while (r.Read())
            {
                var exact = Enumerable.Range(0, r.FieldCount - sums).Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                rows.Add((string.Join('|', exact), Enumerable.Range(r.FieldCount - sums, sums).Select(r.GetDouble).ToList()));
            }
        }
        return rows;
    }

    /// <summary>Empties the summary rollups and rebuilds them from the stored points, as the schema step's backfill does.</summary>
    private void RebuildSummaryRollups()
    {
        using var c = _pair.Postgres.OpenConnection();
        using var tx = c.BeginTransaction();
        using var cmd = new NpgsqlCommand(
            "DELETE FROM prediction_rollups; DELETE FROM prediction_time_rollups; DELETE FROM pipeline_rollups;" + PostgresSchemaMigrations.SummaryBackfillSql, c, tx);
        cmd.ExecuteNonQuery();
        PostgresRollupBackfill.PredictionTimeSketches(c, tx);
        tx.Commit();
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
