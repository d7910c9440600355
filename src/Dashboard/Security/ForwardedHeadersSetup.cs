using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>
/// Behind a reverse proxy (ForwardedHeaders:Enabled, default false) the client address and scheme come from
/// X-Forwarded-For and X-Forwarded-Proto, but only when the connection comes from loopback or from
/// ForwardedHeaders:KnownProxies / KnownNetworks; anyone else's forwarded headers are ignored. With the
/// scheme known, the session cookie is Secure whenever the browser's request was https.
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:Enabled");

    public static IServiceCollection AddDashboardForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration))
        {
            return services;
        }
        var section = configuration.GetSection(Section);
        var failures = new List<string>();
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var (value, i) in (section.GetSection("KnownProxies").Get<string[]>() ?? []).Select((v, i) => (v, i)))
        {
            if (IPAddress.TryParse(value, out var ip))
            {
                proxies.Add(ip);
            }
            else
            {
                failures.Add($"{Section}:KnownProxies:{i} must be an IP address (was '{value}').");
            }
        }
        foreach (var (value, i) in (section.GetSection("KnownNetworks").Get<string[]>() ?? []).Select((v, i) => (v, i)))
        {
            if (System.Net.IPNetwork.TryParse(value, out var network))
            {
                networks.Add(network);
            }
            else
            {
                failures.Add($"{Section}:KnownNetworks:{i} must be a network such as 10.0.0.0/8 (was '{value}').");
            }
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(ForwardedHeadersOptions), failures);
        }
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults (127.0.0.0/8 and ::1) stay: a proxy on the same machine is the usual case.
            foreach (var ip in proxies)
            {
                o.KnownProxies.Add(ip);
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }
}
