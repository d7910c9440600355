using Dashboard.Hosting;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary><c>migrate --to postgresql</c> on a SQLite store written by the real host over HTTP, into the test cluster.</summary>
public sealed class MigrateToPostgresTests
{
    [PostgresFact]
    public async Task Migrate_StoreWrittenOverHttp_EveryTableCopiedWithMatchingCounts()
    {
        var path = await WriteStoreAsync();
        var target = TestPostgres.NewDatabase();

        var code = MigrateCommand.Run(["--to", "postgresql", "--connection", target, "--from", path]);

        code.Should().Be(0);
        foreach (var table in SqliteToPostgresTables.All)
        {
            Count(target, table.Name).Should().Be(SqliteCount(path, table.Name), table.Name);
        }
        Values(target, "SELECT value FROM points ORDER BY run_id, metric_id, ts, seq")
            .Should().Equal(SqliteValues(path, "SELECT value FROM points ORDER BY run_id, metric_id, ts, rowid"));
        Count(target, "points").Should().BeGreaterThan(0);
        Count(target, "event_ids").Should().BeGreaterThan(0);
        Count(target, "nonfinite_points").Should().Be(1);
        Count(target, "logs").Should().Be(1);
        // Rollups are derived: rebuilt from the copied points, the same rows as SQLite's writer kept (event seconds
        // left out: a rebuild counts the finite points' times, the writer also an event whose only point was NaN).
        foreach (var table in new[] { "point_rollups", "token_rollups" })
        {
            Count(target, table).Should().Be(SqliteCount(path, table), table);
        }
        Values(target, "SELECT count::float8 FROM point_rollups ORDER BY run_id, metric_id, width, bucket, model COLLATE \"C\"")
            .Should().Equal(SqliteValues(path, "SELECT count FROM point_rollups ORDER BY run_id, metric_id, width, bucket, model"));
        Count(target, "point_rollups").Should().BeGreaterThan(0);
    }

    [PostgresFact]
    public async Task Copy_InterruptedAfterTwoChunks_ResumesWithoutCopyingARowTwice()
    {
        var path = await WriteStoreAsync();
        var target = TestPostgres.NewDatabase();
        MigrateCommand.Run(["--to", "postgresql", "--connection", target, "--from", "/nonexistent/none.db"]).Should().Be(1);
        await using var data = NpgsqlDataSource.Create(target);
        new PostgresSchemaMigrator(data, Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresSchemaMigrator>.Instance).Migrate();
        using var sqlite = new SqliteConnection($"Data Source={path}");
        sqlite.Open();

        var interrupted = () => new SqliteToPostgresCopier(sqlite, data, TextWriter.Null) { ChunkRows = 7, StopAfterChunks = 4 }.Copy();
        interrupted.Should().Throw<OperationCanceledException>();
        var partial = Count(target, "points");
        var results = new SqliteToPostgresCopier(sqlite, data, TextWriter.Null) { ChunkRows = 7 }.Copy();

        partial.Should().BeLessThan(SqliteCount(path, "points"));
        results.Should().OnlyContain(r => r.Matches);
        Values(target, "SELECT value FROM points ORDER BY seq").Should().Equal(SqliteValues(path, "SELECT value FROM points ORDER BY rowid"));
        Strings(target, "SELECT event_id FROM event_ids ORDER BY run_id, event_id COLLATE \"C\"")
            .Should().Equal(SqliteStrings(path, "SELECT event_id FROM event_ids ORDER BY run_id, event_id"));
    }

    [PostgresFact]
    public async Task Migrate_TargetAlreadyHoldsData_RefusesWithExitCode1()
    {
        var path = await WriteStoreAsync();
        var target = TestPostgres.NewDatabase();
        MigrateCommand.Run(["--to", "postgresql", "--connection", target, "--from", path]).Should().Be(0);
        using (var c = new NpgsqlConnection(target))
        {
            c.Open();
            using var drop = new NpgsqlCommand("DROP TABLE migration_progress", c);
            drop.ExecuteNonQuery();
        }

        MigrateCommand.Run(["--to", "postgresql", "--connection", target, "--from", path]).Should().Be(1);
        MigrateCommand.Run(["--to", "mysql", "--connection", target]).Should().Be(2);
    }

    /// <summary>A SQLite store with runs, points with event and content ids, a non-finite value and a log line.</summary>
    private static async Task<string> WriteStoreAsync()
    {
        await using var host = new DashboardFactory(settings: new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite" });
        using var http = host.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            var events = Enumerable.Range(0, 10).Select(j => (object)new
            {
                type = "metric", id = $"e{i}-{j}", name = "loss", value = (i * 10 + j) % 7, timestamp = 1_764_547_200 + i * 86_400 + j / 3,
            }).ToList();
            events.Add(new { type = "metric", name = "acc", value = i, timestamp = 1_764_547_200 + i });
            (await Json.PostIngestAsync(http, $"run-{i}", [.. events])).EnsureSuccessStatusCode();
        }
        (await Json.PostIngestAsync(http, "run-0", new { type = "metric", name = "acc", value = "NaN", timestamp = 1_764_547_300 },
            new { type = "log", level = "info", message = "hello" })).EnsureSuccessStatusCode();
        return host.DatabasePath;
    }

    private static long Count(string connection, string table)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", c);
        return (long)count.ExecuteScalar()!;
    }

    private static long SqliteCount(string path, string table) => StoredPoints.Count(path, $"SELECT COUNT(*) FROM {table}");

    private static List<double> Values(string connection, string sql)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var read = new NpgsqlCommand(sql, c);
        using var r = read.ExecuteReader();
        var list = new List<double>();
        while (r.Read())
        {
            list.Add(r.GetDouble(0));
        }
        return list;
    }

    private static List<string> Strings(string connection, string sql)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var read = new NpgsqlCommand(sql, c);
        using var r = read.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    private static List<double> SqliteValues(string path, string sql) =>
        SqliteStrings(path, sql).Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static List<string> SqliteStrings(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var read = c.CreateCommand();
        read.CommandText = sql;
        using var r = read.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return list;
    }
}
