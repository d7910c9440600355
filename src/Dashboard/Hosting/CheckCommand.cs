using Dashboard.Storage.Sqlite;

namespace Dashboard.Hosting;

/// <summary>
/// <c>dashboard check [--from data/dashboard.db]</c>: every check start-up makes, with the whole-file quick_check
/// whatever the file's size, on demand (for example on a copy, or before starting on a file too large to check at
/// start-up). The file defaults to ConnectionStrings:Dashboard. Exit codes: 0 sound, 1 damaged or missing.
/// </summary>
public static class CheckCommand
{
    public const string Name = "check";

    public static int Run(string[] args)
    {
        string? from = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--from" && i + 1 < args.Length)
            {
                from = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        var builder = DashboardHost.CreateBuilder([.. rest]);
        if (from is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Dashboard", from.Contains('=') ? from : $"Data Source={from}")]);
        }
        var path = DatabaseFileCheck.ConfiguredPath(builder.Configuration);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"check: no SQLite store at {path} (give it with --from).");
            return 1;
        }
        Console.WriteLine($"Checking every page of {path} (PRAGMA quick_check)...");
        var started = Environment.TickCount64;
        if (DatabaseFileCheck.QuickCheck(path) is { } damage)
        {
            Console.Error.WriteLine(damage);
            return 1;
        }
        Console.WriteLine($"ok ({new FileInfo(path).Length / 1048576.0:F0} MB in {(Environment.TickCount64 - started) / 1000d:F1} s)");
        return 0;
    }
}
