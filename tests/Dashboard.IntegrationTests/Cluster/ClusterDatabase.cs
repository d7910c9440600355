using Dashboard.IntegrationTests.Infrastructure;
using Npgsql;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>
/// A fresh database on the test cluster (<see cref="TestPostgres"/>) for one test's instances, dropped on dispose.
/// One database per test keeps tests apart: NOTIFY channels and advisory locks are per database.
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    private ClusterDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        Name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static ClusterDatabase Create() => new(TestPostgres.NewDatabase());

    /// <summary>Ends every session of this database whose application_name contains <paramref name="marker"/>.</summary>
    public async Task<int> TerminateSessionsAsync(string marker)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.Server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%' || $2 || '%'", connection);
        command.Parameters.AddWithValue(Name);
        command.Parameters.AddWithValue(marker);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestPostgres.Server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
