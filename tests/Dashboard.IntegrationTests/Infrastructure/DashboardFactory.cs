using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// The real dashboard host on Kestrel (a real port on 127.0.0.1) over a temporary SQLite file.
/// Pass the same <see cref="DatabasePath"/> to a second factory to test a restart.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public DashboardFactory(string? databasePath = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        DatabasePath = databasePath ?? TempFiles.NewDatabasePath();
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        // A test that chose its store (e.g. one PostgreSQL database for several instances) keeps it.
        _settings.TryAdd("ConnectionStrings:Dashboard", $"Data Source={DatabasePath}");
        // The suite's PostgreSQL pass: the same path names the same database, so restart tests keep their data.
        if (TestPostgres.IsProvider && !_settings.ContainsKey("Storage:Provider"))
        {
            _settings["Storage:Provider"] = "PostgreSQL";
            _settings["ConnectionStrings:Dashboard"] = TestPostgres.Database(DatabasePath);
        }
        // Tests run without keys unless they test security; Auth:Mode is read by the security work.
        _settings.TryAdd("Auth:Mode", "None");
        _settings.TryAdd("Live:PushIntervalMilliseconds", "100");
        _services = services;
        UseKestrel(0);
    }

    public string DatabasePath { get; }

    /// <summary>http://127.0.0.1:port of the started server.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        }
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}

public static class TempFiles
{
    public static string NewDatabasePath()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "dashboard.db");
    }
}
