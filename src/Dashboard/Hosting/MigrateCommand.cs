using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Dashboard.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Hosting;

/// <summary>
/// <c>dashboard migrate --to postgresql --connection "Host=...;Database=..." [--from data/dashboard.db]</c>: copies a
/// SQLite store into an empty PostgreSQL database (schema created there first). Resumable: run the same command again
/// after an interruption. The source defaults to ConnectionStrings:Dashboard, as the dashboard itself would open it.
/// Exit codes: 0 copied and every table's count matches, 1 failed or counts differ, 2 bad arguments.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    private const string Usage = "usage: migrate --to postgresql --connection \"Host=...;Database=...;Username=...\" [--from path/to/dashboard.db]";

    public static int Run(string[] args)
    {
        string? to = null, connection = null, from = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--to": to = value; i++; break;
                case "--connection": connection = value; i++; break;
                case "--from": from = value; i++; break;
                default: rest.Add(args[i]); break;
            }
        }
        if (!string.Equals(to, "postgresql", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine(to is null || string.Equals(to, "postgresql", StringComparison.OrdinalIgnoreCase)
                ? "migrate: --connection is required." : $"migrate: --to must be postgresql; got '{to}'.");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        NpgsqlDataSource target;
        try
        {
            target = NpgsqlDataSource.Create(connection);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"migrate: --connection is not a valid PostgreSQL connection string: {ex.Message}");
            return 2;
        }
        try
        {
            using (target)
            {
                return Copy(rest, from, target);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException
            or DatabaseRefusedException or OperationCanceledException or IOException)
        {
            Console.Error.WriteLine($"migrate: {ex.Message}");
            Console.Error.WriteLine("Nothing copied is lost: run the same command again to resume.");
            return 1;
        }
    }

    private static int Copy(List<string> rest, string? from, NpgsqlDataSource target)
    {
        var builder = DashboardHost.CreateBuilder([.. rest]);
        if (from is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Dashboard", from.Contains('=') ? from : $"Data Source={from}")]);
        }
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        storage.Provider = "Sqlite";
        var sqlite = new SqliteConnectionFactory(builder.Configuration, Options.Create(storage));
        if (!File.Exists(sqlite.DataSource))
        {
            Console.Error.WriteLine($"migrate: no SQLite store at {Path.GetFullPath(sqlite.DataSource)} (give it with --from).");
            return 1;
        }
        // The source is brought to this version's schema first, as starting the dashboard on it would.
        new SchemaMigrator(sqlite, Options.Create(storage), NullLogger<SchemaMigrator>.Instance).Migrate();
        new PostgresSchemaMigrator(target, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();
        Console.WriteLine($"Copying {Path.GetFullPath(sqlite.DataSource)} into PostgreSQL...");
        using var source = sqlite.Open();
        var results = new SqliteToPostgresCopier(source, target, Console.Out).Copy();
        var mismatched = results.Where(r => !r.Matches).ToList();
        if (mismatched.Count > 0)
        {
            Console.Error.WriteLine($"migrate: row counts differ for {string.Join(", ", mismatched.Select(r => $"{r.Table} ({r.SqliteRows} vs {r.PostgresRows})"))}.");
            return 1;
        }
        Console.WriteLine($"Done: {results.Sum(r => r.PostgresRows)} rows in {results.Count} tables, every count matches. " +
            "Start the dashboard with --Storage:Provider=PostgreSQL --ConnectionStrings:Dashboard=\"...\".");
        return 0;
    }
}
