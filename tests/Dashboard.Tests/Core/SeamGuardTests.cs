using System.Text.RegularExpressions;

namespace Dashboard.Tests.Core;

/// <summary>
/// Guards the storage seam: SQL and database handles live only in src/Dashboard/Storage (interfaces there, providers
/// in Storage/Sqlite and Storage/Postgres). A feature folder that needs data asks an interface.
/// </summary>
public sealed partial class SeamGuardTests
{
    // Files not moved behind the seam yet (see /tmp/issues/SEAM.md); remove an entry when its file moves.
    private static readonly HashSet<string> KnownExceptions =
    [
        // Cross-instance coordination (LISTEN/NOTIFY, leases) is PostgreSQL's own machinery, not a data query.
        "Cluster/ClusterBus.cs",
        "Cluster/ClusterConnection.cs",
        "Cluster/ClusterLease.cs",
        // Registration and the migrate command choose providers: they name them, they hold no SQL of their own.
        "Hosting/DashboardServices.cs",
        "Hosting/MigrateCommand.cs",
    ];

    [GeneratedRegex(@"\b(CommandText|Sqlite(Connection|Command|DataReader|Transaction)\w*|Npgsql(Connection|Command|DataSource)\w*|I?DbContextFactory|DashboardDbContext|DbContext|sqlite3_\w+)\b")]
    private static partial Regex DatabaseAccess();

    // Upper case, as every statement here is written: keeps HTML's <select> and English prose out.
    [GeneratedRegex(@"\b(SELECT\s+[A-Za-z*(]|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM)")]
    private static partial Regex SqlStatement();

    [Fact]
    public void SourceFiles_OutsideStorage_HoldNoSqlOrDatabaseHandles()
    {
        var root = Path.Combine(RepoRoot(), "src", "Dashboard");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("Storage/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)
                || relative.StartsWith("bin/", StringComparison.Ordinal) || KnownExceptions.Contains(relative))
            {
                continue;
            }
            var text = File.ReadAllText(file);
            if (DatabaseAccess().Match(text) is { Success: true } access)
            {
                offenders.Add($"{relative}: {access.Value}");
            }
            else if (SqlStatement().Match(text) is { Success: true } sql)
            {
                offenders.Add($"{relative}: {sql.Value}");
            }
        }

        offenders.Should().BeEmpty("SQL and database handles belong behind a Storage/ interface (see README, Layout)");
    }

    [Fact]
    public void StorageInterfaces_NameNoProviderTypes()
    {
        var storage = Path.Combine(RepoRoot(), "src", "Dashboard", "Storage");
        var offenders = Directory.EnumerateFiles(storage, "I*.cs", SearchOption.TopDirectoryOnly)
            .Where(f => DatabaseAccess().IsMatch(File.ReadAllText(f)) || File.ReadAllText(f).Contains("Sqlite", StringComparison.Ordinal)
                || File.ReadAllText(f).Contains("Npgsql", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();

        offenders.Should().BeEmpty("storage interfaces are provider-neutral so SQLite and PostgreSQL implement the same ones");
    }

    [Fact]
    public void CoreFolder_DependsOnNoOtherFolder()
    {
        var core = Path.Combine(RepoRoot(), "src", "Dashboard", "Core");
        var offenders = Directory.EnumerateFiles(core, "*.cs")
            .SelectMany(f => File.ReadLines(f).Where(l => l.StartsWith("using Dashboard.", StringComparison.Ordinal)).Select(l => $"{Path.GetFileName(f)}: {l}"))
            .ToList();

        offenders.Should().BeEmpty("Core is what every area shares; it must not import any area");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }
}
