using Npgsql;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>
/// A fresh database on the test cluster that scripts/test.sh starts (DASHBOARD_TEST_POSTGRES), dropped on dispose.
/// One database per test keeps tests apart: NOTIFY channels and advisory locks are per database.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "DASHBOARD_TEST_POSTGRES";

    private readonly string _admin;

    private TestPostgres(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    public static async Task<TestPostgres> CreateAsync()
    {
        var admin = AdminConnectionString ?? throw new InvalidOperationException($"{Variable} is not set.");
        var db = new TestPostgres(admin, "dash_cluster_" + Guid.NewGuid().ToString("N")[..16]);
        await db.ExecuteAdminAsync($"CREATE DATABASE {db.Name}");
        return db;
    }

    /// <summary>Ends every session of this database whose application_name contains <paramref name="marker"/>.</summary>
    public async Task<int> TerminateSessionsAsync(string marker)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%' || $2 || '%'", connection);
        command.Parameters.AddWithValue(Name);
        command.Parameters.AddWithValue(marker);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>A test that needs PostgreSQL: skipped, saying why, only when no test cluster is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.AdminConnectionString is null)
        {
            Skip = $"No PostgreSQL configured: set {TestPostgres.Variable} (scripts/test.sh starts a throwaway cluster and sets it).";
        }
    }
}
