using Microsoft.Extensions.Options;

namespace Dashboard.Storage.Sqlite;

/// <summary>Brings the database file to the newest schema at start-up (see <see cref="SchemaMigrations"/>).</summary>
public sealed class SchemaMigrator(SqliteConnectionFactory connections, IOptions<StorageOptions> options, ILogger<SchemaMigrator> logger)
{
    /// <summary>The file was too large for quick_check before start-up: DatabaseFileWatch runs it in the background.</summary>
    public bool QuickCheckDeferred { get; private set; }

    /// <summary>The schema version reached; throws <see cref="DatabaseRefusedException"/> for an unusable file.</summary>
    public int Migrate()
    {
        connections.EnsureDirectory();
        QuickCheckDeferred = DatabaseFileCheck.Check(connections, options.Value.QuickCheckOnStart, options.Value.QuickCheckMaxMegabytes * 1024L * 1024L);
        using var connection = connections.Open();
        if (CurrentVersion(connection) == 0)
        {
            // Only a file without tables can take this: deleted runs' pages then go back to the file system in small
            // steps (RunPurger.ReleaseSpace). Older files keep auto_vacuum off (converting means a full VACUUM, minutes
            // for a large file, at start-up); they reuse freed pages for new points instead of shrinking.
            using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "PRAGMA auto_vacuum = INCREMENTAL;";
            vacuum.ExecuteNonQuery();
        }
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
        RegisterFunctions(connection);
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

    /// <summary>The SQL functions the steps use (rollup backfill computes sketches in SQL); call before running steps by hand.</summary>
    public static void RegisterFunctions(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        Sqlite.SqliteRollupWriter.RegisterFunctions(connection);
        SqliteSummaryRollupWriter.RegisterFunctions(connection);
    }

    private static int CurrentVersion(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
