using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL cluster the test command starts (scripts/pg-throwaway.sh): its connection string is in
/// DASHBOARD_TEST_POSTGRES. With DASHBOARD_TEST_PROVIDER=PostgreSQL as well, every <see cref="DashboardFactory"/> runs on
/// PostgreSQL instead of a SQLite file (the suite's second pass in scripts/test.sh).
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "DASHBOARD_TEST_POSTGRES";
    public const string ProviderVariable = "DASHBOARD_TEST_PROVIDER";

    /// <summary>The cluster's connection string (to its maintenance database), or null when none is configured.</summary>
    public static string? Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } s ? s : null;

    /// <summary>True when this test run puts every host on PostgreSQL.</summary>
    public static bool IsProvider =>
        Server is not null && string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "PostgreSQL", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A connection string to a database named after <paramref name="key"/> (a SQLite path, or any test-chosen name),
    /// created when missing: two factories given the same key share one database, as two on one file do.
    /// </summary>
    public static string Database(string key)
    {
        var server = Server ?? throw new InvalidOperationException($"{ServerVariable} is not set.");
        var name = "dash_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24].ToLowerInvariant();
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                try
                {
                    create.ExecuteNonQuery();
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Created by a parallel test between the check and the CREATE.
                }
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>A fresh database of its own.</summary>
    public static string NewDatabase() => Database(Guid.NewGuid().ToString("N"));
}

/// <summary>
/// A fact that needs the test cluster; skipped, saying why, when DASHBOARD_TEST_POSTGRES is not set, and in the suite's
/// PostgreSQL pass, where it would run a second time with the same hosts.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.Server is null)
        {
            Skip = $"No PostgreSQL: {TestPostgres.ServerVariable} is not set (scripts/test.sh starts a cluster and sets it).";
        }
        else if (TestPostgres.IsProvider)
        {
            // Its hosts and stores are on PostgreSQL whatever the pass: the first pass has run it already.
            Skip = "Runs once, in the suite's first pass (it sets up PostgreSQL itself).";
        }
    }
}

/// <summary>A theory that checks SQLite itself (PRAGMAs, locks, the file); skipped in the PostgreSQL pass.</summary>
public sealed class SqliteTheoryAttribute : TheoryAttribute
{
    public SqliteTheoryAttribute()
    {
        if (TestPostgres.IsProvider)
        {
            Skip = "Checks SQLite itself; this pass runs on PostgreSQL.";
        }
    }
}

/// <summary>
/// A fact that reads or checks the SQLite file itself (PRAGMAs, file damage, the file's bytes); skipped in the
/// PostgreSQL pass of the suite, where there is no file.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestPostgres.IsProvider)
        {
            Skip = "Checks the SQLite file itself; this pass runs on PostgreSQL.";
        }
    }
}
