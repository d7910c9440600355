using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Storage.Sqlite;

/// <summary>Opens connections to the dashboard's SQLite file with the pragmas every connection needs.</summary>
public sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly int _busyTimeout;
    private readonly long _maxDatabaseBytes;

    public SqliteConnectionFactory(IConfiguration configuration, IOptions<StorageOptions> options)
    {
        var raw = configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = "Data Source=data/dashboard.db";
        }
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(raw);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException("ConnectionStrings:Dashboard", typeof(string),
                [$"ConnectionStrings:Dashboard is not a valid SQLite connection string: {ex.Message}"]);
        }
        builder.Pooling = true;
        // Microsoft.Data.Sqlite retries a busy database for DefaultTimeout seconds on top of busy_timeout;
        // keep both to the configured wait so a locked file fails within Storage:BusyTimeoutMilliseconds.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.Value.BusyTimeoutMilliseconds / 1000d));
        DataSource = builder.DataSource;
        _connectionString = builder.ToString();
        _synchronous = options.Value.Synchronous.ToUpperInvariant();
        _busyTimeout = options.Value.BusyTimeoutMilliseconds;
        _maxDatabaseBytes = options.Value.MaxDatabaseMegabytes * 1024L * 1024L;
    }

    /// <summary>The database file's path as configured.</summary>
    public string DataSource { get; }

    public string ConnectionString => _connectionString;

    public void EnsureDirectory()
    {
        if (DataSource is ":memory:" or "")
        {
            return;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {_busyTimeout}; PRAGMA synchronous = {_synchronous};";
        pragma.ExecuteNonQuery();
        if (_maxDatabaseBytes > 0)
        {
            // A cap in pages makes SQLite answer SQLITE_FULL exactly as a full disk does, on every connection.
            pragma.CommandText = "PRAGMA page_size;";
            var pageSize = (long)pragma.ExecuteScalar()!;
            pragma.CommandText = $"PRAGMA max_page_count = {Math.Max(1, _maxDatabaseBytes / pageSize)};";
            pragma.ExecuteNonQuery();
        }
        return connection;
    }
}
