using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// What every load tool needs to run the dashboard as a separate process: the Release build, a free port,
/// the process itself and a wait until it answers /healthz. Linked into each bench project (see their .csproj).
/// </summary>
internal static class BenchServer
{
    /// <summary>Starts the dashboard's Release build on 127.0.0.1:port with the given database and extra arguments.</summary>
    public static Process Start(string dll, string db, int port, params IEnumerable<string> extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var a in new[] { dll, $"--Urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Dashboard=Data Source={db}",
            "--Logging:LogLevel:Default=Warning" }.Concat(extra))
        {
            info.ArgumentList.Add(a);
        }
        var p = Process.Start(info)!;
        // Stdout is drained so a chatty server never blocks on a full pipe; stderr is shown.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static async Task WaitForHealthyAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var r = await http.GetAsync("/healthz");
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The dashboard did not become healthy.");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string FindDashboardDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Dashboard", "bin", "Release", "net10.0", "Dashboard.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("Build the dashboard first: dotnet build -c Release src/Dashboard");
    }
}
