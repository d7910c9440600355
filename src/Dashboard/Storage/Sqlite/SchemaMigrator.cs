using Microsoft.Extensions.Options;

namespace Dashboard.Storage.Sqlite;

/// <summary>Brings the database file to the newest schema at start-up (see <see cref="SchemaMigrations"/>).</summary>
public sealed class SchemaMigrator(SqliteConnectionFactory connections, IOptions<StorageOptions> options, ILogger<SchemaMigrator> logger)
{
    /// <summary>The schema version reached; throws <see cref="DatabaseRefusedException"/> for an unusable file.</summary>
    public int Migrate()
    {
        connections.EnsureDirectory();
        DatabaseFileCheck.Check(connections, options.Value.QuickCheckOnStart);
        using var connection = connections.Open();
        using (var wal = connection.CreateCommand())
        {
            // WAL lets pages and exports read while the writer commits; it persists in the file.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        var version = CurrentVersion(connection);
        var newest = SchemaMigrations.Steps[^1].Version;
        if (version > newest)
        {
            throw new InvalidOperationException(
                $"The database {connections.DataSource} has schema version {version}, newer than this dashboard knows ({newest}).");
        }
        foreach (var (stepVersion, sql) in SchemaMigrations.Steps.Where(s => s.Version > version))
        {
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql + $"\nPRAGMA user_version = {stepVersion};";
            command.ExecuteNonQuery();
            tx.Commit();
            logger.LogInformation("Database schema upgraded to version {Version}", stepVersion);
            version = stepVersion;
        }
        return version;
    }

    private static int CurrentVersion(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
