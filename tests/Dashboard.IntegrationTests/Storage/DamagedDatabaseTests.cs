using System.Diagnostics;
using System.Text;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Storage;

/// <summary>
/// Real database files damaged the way disks and operators damage them, then the built dashboard started on them as a
/// real process: it must refuse with a message naming the file and the way out, exit non-zero without an abort or a
/// stack trace, and leave the file as it was.
/// </summary>
public sealed class DamagedDatabaseTests
{
    [SqliteFact]
    public async Task Start_ZeroByteFile_RefusesAndKeepsTheFile()
    {
        var path = TempFiles.NewDatabasePath();
        await File.WriteAllBytesAsync(path, []);

        var (exitCode, output) = await RunToExitAsync(path);

        AssertRefused(exitCode, output, path, "empty");
        new FileInfo(path).Length.Should().Be(0, "an existing file is never replaced silently");
    }

    [SqliteFact]
    public async Task Start_TruncatedFile_RefusesNamingTheFile()
    {
        var path = await StoredDatabaseAsync();
        var original = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(original / 3);
        }

        var (exitCode, output) = await RunToExitAsync(path);

        AssertRefused(exitCode, output, path, "damaged", "cannot be read");
        new FileInfo(path).Length.Should().Be(original / 3);
    }

    [SqliteFact]
    public async Task Start_OverwrittenFile_RefusesNamingTheFile()
    {
        var path = await StoredDatabaseAsync();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(Encoding.ASCII.GetBytes(new string('#', 8192)));
        }

        var (exitCode, output) = await RunToExitAsync(path);

        AssertRefused(exitCode, output, path, "not a SQLite database");
    }

    [SqliteFact]
    public async Task Start_CorruptMiddlePages_RefusesNamingTheFile()
    {
        var path = await StoredDatabaseAsync();
        var length = new FileInfo(path).Length;
        var garbage = new byte[16 * 4096];
        new Random(7).NextBytes(garbage);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = length / 2 / 4096 * 4096;
            stream.Write(garbage);
        }

        var (exitCode, output) = await RunToExitAsync(path);

        AssertRefused(exitCode, output, path, "damaged", "cannot be read");
    }

    [SqliteFact]
    public async Task Start_SoundFile_StartsAndKeepsItsData()
    {
        var path = await StoredDatabaseAsync();

        await using var dashboard = await DashboardProcess.StartAsync(path);
        using var http = new HttpClient { BaseAddress = dashboard.Address };

        (await Json.GetAsync(http, "/api/v1/runs")).ToString().Should().Contain("damage-me");
    }

    [SqliteFact]
    public async Task Start_TruncatedFileAboveQuickCheckSize_RefusesFromTheHeader()
    {
        var path = await StoredDatabaseAsync();
        var original = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(original / 3);
        }

        var (exitCode, output) = await RunToExitAsync(path, "--Storage:QuickCheckMaxMegabytes=0");

        AssertRefused(exitCode, output, path, "truncated");
    }

    [SqliteFact]
    public async Task Start_CorruptMiddlePagesAboveQuickCheckSize_StartsThenHealthzNamesTheDamage()
    {
        var path = await StoredDatabaseAsync();
        CorruptMiddlePages(path);
        using var process = StartProcess(path, out var address, "--Storage:QuickCheckMaxMegabytes=0");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        string? body = null;

        try
        {
            // Start-up skipped the page check (the file is above the size), so the host answers; the background check
            // then finds the damage and /healthz turns 503 naming it.
            await WaitFor.ConditionAsync(async () =>
            {
                try
                {
                    using var health = await http.GetAsync("/healthz");
                    body = await health.Content.ReadAsStringAsync();
                    return health.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return process.HasExited ? throw new InvalidOperationException("The dashboard exited at start") : false;
                }
            }, TimeSpan.FromSeconds(60), "the background check reports the damage");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        body.Should().Contain("damaged").And.Contain("quick_check");
    }

    [SqliteFact]
    public async Task Check_CorruptMiddlePages_ExitsOneNamingTheDamage()
    {
        var path = await StoredDatabaseAsync();
        CorruptMiddlePages(path);

        var (exitCode, output) = await RunToExitAsync(path, "check", $"--from={path}");

        exitCode.Should().Be(1, output);
        output.Should().Contain(Path.GetFullPath(path)).And.MatchRegex("damaged|cannot be read");
    }

    [SqliteFact]
    public async Task Check_SoundFile_ExitsZero()
    {
        var path = await StoredDatabaseAsync();

        var (exitCode, output) = await RunToExitAsync(path, "check", $"--from={path}");

        exitCode.Should().Be(0, output);
        output.Should().Contain("ok (");
    }

    private static void CorruptMiddlePages(string path)
    {
        var length = new FileInfo(path).Length;
        var garbage = new byte[16 * 4096];
        new Random(7).NextBytes(garbage);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = length / 2 / 4096 * 4096;
        stream.Write(garbage);
    }

    private static Process StartProcess(string databasePath, out Uri address, params string[] extraArgs)
    {
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            address = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(DashboardProcess.DllPath())!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { DashboardProcess.DllPath(), $"--Urls={address}", $"--ConnectionStrings:Dashboard=Data Source={databasePath}", "--Auth:Mode=None" }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void AssertRefused(int exitCode, string output, string path, params string[] anyOf)
    {
        exitCode.Should().NotBe(0, output);
        exitCode.Should().NotBe(134, "no SIGABRT:\n" + output);
        output.Should().Contain(Path.GetFullPath(path));
        anyOf.Should().Contain(word => output.Contains(word, StringComparison.Ordinal), output);
        output.Should().MatchRegex("restore|delete the empty file", output);
        output.Should().NotContain("Unhandled exception");
        output.Should().NotMatchRegex(@"\n\s+at [A-Z][\w.]+\(", "no stack trace:\n" + output);
    }

    /// <summary>A real dashboard file with ~60,000 points, checkpointed so everything is in the main file.</summary>
    private static async Task<string> StoredDatabaseAsync()
    {
        var path = TempFiles.NewDatabasePath();
        await using (var factory = new DashboardFactory(path))
        {
            using var http = factory.CreateHttpClient();
            for (var batch = 0; batch < 6; batch++)
            {
                var events = Enumerable.Range(0, 10_000).Select(i => (object)new
                {
                    type = "metric", id = $"{batch}-{i}", name = $"m{i % 20}", value = i, metadata = new { note = "padding padding padding" },
                }).ToArray();
                using var response = await Json.PostIngestAsync(http, "damage-me", events);
                response.EnsureSuccessStatusCode();
            }
        }
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
            checkpoint.ExecuteNonQuery();
        }
        return path;
    }

    private static async Task<(int ExitCode, string Output)> RunToExitAsync(string databasePath, params string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(DashboardProcess.DllPath())!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A command ("check") goes first, right after the dll, as an operator types it.
        var command = extraArgs.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal));
        var options = extraArgs.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal));
        foreach (var arg in new[] { DashboardProcess.DllPath() }.Concat(command)
            .Concat(["--Urls=http://127.0.0.1:0", $"--ConnectionStrings:Dashboard=Data Source={databasePath}", "--Auth:Mode=None"]).Concat(options))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException("The dashboard kept running on a damaged file:\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
