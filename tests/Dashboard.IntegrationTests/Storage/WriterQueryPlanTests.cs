using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.IntegrationTests.Storage;

/// <summary>
/// The reads the writer makes inside its transaction must be index seeks: a plan that walks a run's points costs time
/// in proportion to the run (0.8 s at 30 million points) while every POST waits for the commit. SQLite plans here
/// without statistics (no ANALYZE), so the plan is the same on an empty file as on a full one.
/// </summary>
public sealed class WriterQueryPlanTests : IDisposable
{
    private readonly SqliteConnection _connection;

    public WriterQueryPlanTests()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ConnectionStrings:Dashboard", $"Data Source={TempFiles.NewDatabasePath()}")]).Build();
        var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        new SchemaMigrator(connections, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        _connection = connections.Open();
    }

    [Fact]
    public void TokenTimes_EveryReadOfPoints_SeeksRunMetricAndTime()
    {
        using var tokenTimes = new SqliteTokenTimes(_connection);

        foreach (var statement in tokenTimes.Statements)
        {
            var plan = Plan(statement);
            var pointSteps = plan.Where(step => step.Contains(" points ") || step.Contains(" p ")).ToList();
            pointSteps.Should().NotBeEmpty(statement.CommandText);
            pointSteps.Should().OnlyContain(step => step.StartsWith("SEARCH") && step.Contains("run_id=? AND metric_id=?"),
                "each read of points must seek one run and metric, never walk the run's points; plan:\n" + string.Join("\n", plan));
        }
        Plan(tokenTimes.Statements[1]).Should().Contain(step => step.Contains("run_id=? AND metric_id=? AND ts=?"),
            "the stored state at one time is found by its time too");
    }

    /// <summary>The EXPLAIN QUERY PLAN steps of a statement, with its parameters as they are.</summary>
    private List<string> Plan(SqliteCommand statement)
    {
        using var explain = _connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + statement.CommandText;
        foreach (SqliteParameter p in statement.Parameters)
        {
            explain.Parameters.AddWithValue(p.ParameterName, p.Value);
        }
        using var reader = explain.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }

    public void Dispose() => _connection.Dispose();
}
