using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Brings a PostgreSQL database to the newest schema at start-up (see <see cref="PostgresSchemaMigrations"/>). Several
/// instances may start at once against one database: a transaction-scoped advisory lock makes one of them migrate
/// while the others wait and then find the work done.
/// </summary>
public sealed class PostgresSchemaMigrator(NpgsqlDataSource dataSource, ILogger<PostgresSchemaMigrator> logger)
{
    // An arbitrary constant shared by every dashboard instance ("dashmigr" in ASCII).
    private const long MigrationLock = 0x646173686d696772;

    /// <summary>The schema version reached.</summary>
    public int Migrate()
    {
        using var connection = dataSource.OpenConnection();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)";
            try
            {
                create.ExecuteNonQuery();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Two instances created it at the same moment; the other one won.
            }
        }
        var newest = PostgresSchemaMigrations.Steps[^1].Version;
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        var version = CurrentVersion(connection, tx);
        if (version > newest)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database has schema version {version}, newer than this dashboard knows ({newest}).");
        }
        foreach (var (stepVersion, sql) in PostgresSchemaMigrations.Steps.Where(s => s.Version > version))
        {
            Execute(connection, tx, sql);
            if (PostgresSchemaMigrations.Backfills.TryGetValue(stepVersion, out var backfill))
            {
                backfill(connection, tx);
            }
            logger.LogInformation("Database schema upgraded to version {Version}", stepVersion);
            version = stepVersion;
        }
        Execute(connection, tx, $"DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({version})");
        tx.Commit();
        return version;
    }

    internal static int CurrentVersion(NpgsqlConnection connection, NpgsqlTransaction? tx)
    {
        using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, tx);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }
}
