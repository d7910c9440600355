using Dashboard.Storage.Sqlite;
using Dashboard.Runs;
using Dashboard.Storage;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Dashboard.Tests.Runs;

public sealed class RunPointReaderTests
{
    [Fact]
    public void Read_EqualTimestamps_KeepsInsertionOrderAndSumsPerModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"run-point-reader-{Guid.NewGuid():N}.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                SchemaMigrator.RegisterFunctions(c);
                foreach (var (_, sql) in SchemaMigrations.Steps)
                {
                    Exec(c, sql);
                }
                // Same timestamp, values inserted high to low: the covering index orders them by value, the reader must not.
                Exec(c, """
                    INSERT INTO points(run_id, metric_id, ts, value, model_name) VALUES
                    (1, 1, 20, 9, 'a'), (1, 1, 10, 5, 'b'), (1, 1, 10, 3, NULL), (1, 1, 10, 1, 'b'), (1, 2, 10, 7, 'a'), (1, 1, 30, 2.9, 'a')
                    """);
                var times = new List<long>();
                var values = new List<double>();
                var sums = new Dictionary<string, long>();

                RawPointReader.Read(c, 1, 1, 0, 25, times, values, (model, v) => sums[model ?? "unknown"] = sums.GetValueOrDefault(model ?? "unknown") + (long)v);

                times.Should().Equal(10, 10, 10, 20);
                values.Should().Equal(5, 3, 1, 9);
                sums.Should().BeEquivalentTo(new Dictionary<string, long> { ["a"] = 9, ["b"] = 6, ["unknown"] = 3 });
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
