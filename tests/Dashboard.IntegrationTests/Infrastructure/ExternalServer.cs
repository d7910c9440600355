using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// A real server binary (Debian's prometheus, prometheus-alertmanager) started by a test on a free
/// loopback port in a temporary folder, and killed with its folder removed on dispose.
/// </summary>
public sealed class ExternalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ExternalServer(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public string Folder { get; }

    public Uri BaseAddress { get; }

    /// <summary>What the server wrote so far; put into failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Writes files into a fresh folder, starts the binary and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ExternalServer> StartAsync(string executable, Func<string, int, IEnumerable<string>> arguments,
        string readyPath, Action<string, int>? prepare = null)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: scripts/test.sh installs it (apt-get install prometheus prometheus-alertmanager).");
        }
        var folder = Directory.CreateTempSubdirectory("dashboard-ext-").FullName;
        var port = FreePort();
        prepare?.Invoke(folder, port);
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in arguments(folder, port))
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        var server = new ExternalServer(process, folder, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitFor.ConditionAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{executable} exited with {process.ExitCode}:\n{server.Log}");
                }
                try
                {
                    using var r = await http.GetAsync(readyPath);
                    return r.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), $"{executable} becomes ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>A port free right now; the small race with another process taking it is accepted for tests.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left in the temp folder; it does not affect the next test.
        }
    }
}
