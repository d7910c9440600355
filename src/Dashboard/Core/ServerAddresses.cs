using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Core;

/// <summary>Where this server listens; shared by the start-up banner (Hosting) and the demo generator (Demo), so neither imports the other.</summary>
public static class ServerAddresses
{
    /// <summary>The first address the server really bound (port 0 resolved), loopback preferred.</summary>
    public static string? ListenAddress(IServiceProvider services)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
        return first?.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").TrimEnd('/');
    }
}
