using System.Net;
using Dashboard.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP/gRPC on its own port (Otlp:GrpcPort, HTTP/2 without TLS as exporters send to http://host:4317).
/// It is a second, minimal Kestrel server inside the process: listening on a port in code would make
/// the main server ignore its configured Urls, and gRPC over cleartext needs an HTTP/2-only endpoint.
/// Its services share the main host's singletons, so it writes through the same queue and commit.
/// </summary>
public sealed class OtlpGrpcServer(IServiceProvider services, IOptions<OtlpOptions> options, ILogger<OtlpGrpcServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The port the gRPC server listens on once started (the chosen one when Otlp:GrpcPort is 0), or null when off.</summary>
    public int? Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.GrpcEnabled)
        {
            return;
        }
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            void Http2(ListenOptions l) => l.Protocols = HttpProtocols.Http2;
            switch (o.GrpcAddress)
            {
                // Kestrel picks a free port only on a concrete address, so port 0 on localhost means 127.0.0.1.
                case "localhost" when o.GrpcPort == 0: k.Listen(IPAddress.Loopback, 0, Http2); break;
                case "localhost": k.ListenLocalhost(o.GrpcPort, Http2); break;
                case "*": k.ListenAnyIP(o.GrpcPort, Http2); break;
                default: k.Listen(IPAddress.Parse(o.GrpcAddress), o.GrpcPort, Http2); break;
            }
        });
        builder.Services.AddSingleton(services.GetRequiredService<ILoggerFactory>());
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(services.GetRequiredService<OtlpReceiver>());
        builder.Services.AddSingleton(services.GetRequiredService<ApiKeyStore>());
        builder.Services.AddSingleton(services.GetRequiredService<IOptions<AuthOptions>>());
        builder.Services.AddSingleton<OtlpGrpcAuthInterceptor>();
        var maxBytes = (int)Math.Min(int.MaxValue, services.GetRequiredService<IOptions<IngestOptions>>().Value.MaxBodyBytes);
        builder.Services.AddGrpc(g =>
        {
            // Ingest:MaxBodyBytes bounds a gRPC message as it bounds an HTTP body (RESOURCE_EXHAUSTED above it), after gzip.
            g.MaxReceiveMessageSize = maxBytes;
            g.Interceptors.Add<OtlpGrpcAuthInterceptor>();
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<OtlpMetricsGrpcService>();
        app.MapGrpcService<OtlpTraceGrpcService>();
        app.MapGrpcService<OtlpLogsGrpcService>();
        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Port = address is null ? o.GrpcPort : new Uri(address).Port;
        logger.LogInformation("OTLP/gRPC listening on {Address}", address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
