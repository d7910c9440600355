using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Security;

/// <summary>
/// The built dashboard (src/Dashboard/bin/Debug/net10.0/Dashboard.dll) as a real OS process, so a
/// test can SIGKILL or SIGTERM it the way an operator or the kernel would.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DashboardProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string DllPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
        return Path.Combine(dir.FullName, "src", "Dashboard", "bin", "Debug", "net10.0", "Dashboard.dll");
    }

    public static async Task<DashboardProcess> StartAsync(string databasePath, params string[] extraArgs)
    {
        var port = FreePort();
        var dll = DllPath();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, $"--Urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Dashboard=Data Source={databasePath}",
            "--Auth:Mode=None", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        var dashboard = new DashboardProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = dashboard.Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The dashboard exited at start:\n" + dashboard.Output);
            }
            try
            {
                using var health = await http.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return dashboard;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        process.Kill();
        throw new TimeoutException("The dashboard did not answer /healthz within 60 s:\n" + dashboard.Output);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void SendSigterm()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException("kill -TERM failed");
        }
    }

    public Task<bool> WaitForExitAsync(TimeSpan timeout) =>
        _process.WaitForExitAsync().WaitAsync(timeout).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);

    public int ExitCode => _process.ExitCode;

    public static HashSet<string> StoredEventIds(string databasePath)
    {
        if (Infrastructure.TestPostgres.IsProvider && !File.Exists(databasePath))
        {
            // A DashboardFactory host in the suite's PostgreSQL pass: its database is named after the path.
            using var pg = new Npgsql.NpgsqlConnection(Infrastructure.TestPostgres.Database(databasePath));
            pg.Open();
            using var command = new Npgsql.NpgsqlCommand("SELECT event_id FROM event_ids", pg);
            using var pgReader = command.ExecuteReader();
            var pgIds = new HashSet<string>(StringComparer.Ordinal);
            while (pgReader.Read())
            {
                pgIds.Add(pgReader.GetString(0));
            }
            return pgIds;
        }
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT event_id FROM event_ids";
        using var reader = select.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>Posts batches of events with unique ids from several workers and records every id that got a 2xx.</summary>
public sealed class AckLoader(Uri address, string prefix, int workers = 4, int batchSize = 25)
{
    public ConcurrentBag<string> Acknowledged { get; } = [];

    public int Requests => _requests;

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    private int _requests;

    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkerAsync(w, stop)));
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            var ids = Enumerable.Range(0, batchSize).Select(j => $"{prefix}-{worker}-{seq}-{j}").ToArray();
            var events = string.Join(",", ids.Select(id => $$"""{"type":"metric","id":"{{id}}","name":"load","value":{{seq}}}"""));
            using var content = new StringContent($$"""{"run":"soak-{{worker}}","events":[{{events}}]}""", Encoding.UTF8, "application/json");
            try
            {
                using var response = await http.PostAsync("/api/v1/ingest", content, CancellationToken.None);
                Interlocked.Increment(ref _requests);
                Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.IsSuccessStatusCode)
                {
                    foreach (var id in ids)
                    {
                        Acknowledged.Add(id);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // The process died or refused the connection: nothing was acknowledged, so nothing is owed.
                Statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                if (stop.IsCancellationRequested)
                {
                    return;
                }
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
