using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Hosting;

/// <summary>Once the server listens, prints where and a ready curl command for a first event.</summary>
public static class StartupBanner
{
    public static WebApplication PrintBannerOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = ListenAddress(app.Services);
            if (address is null)
            {
                return;
            }
            Console.WriteLine($$"""

                Dashboard is listening on {{address}}
                Send a first event:
                  curl -s -X POST {{address}}/api/v1/ingest -H 'Content-Type: application/json' \
                    -d '{"run":"hello","events":[{"type":"generation","duration":1.2,"success":true,"model_name":"gpt-4o-mini","total_token_count":321}]}'

                """);
        });
        return app;
    }

    /// <summary>The first address the server really bound (port 0 resolved), loopback preferred.</summary>
    public static string? ListenAddress(IServiceProvider services)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
        return first?.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").TrimEnd('/');
    }
}
