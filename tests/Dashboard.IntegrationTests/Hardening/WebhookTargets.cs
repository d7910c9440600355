using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>A webhook receiver on 127.0.0.1:0 that answers the status its script gives for the n-th request (1-based) and records each body with its arrival time.</summary>
public sealed class ScriptedWebhookTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private ScriptedWebhookTarget(WebApplication app) => _app = app;

    public ConcurrentQueue<(DateTime At, string Body)> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<ScriptedWebhookTarget> StartAsync(Func<int, int>? statusFor = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var target = new ScriptedWebhookTarget(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            target.Received.Enqueue((DateTime.UtcNow, body));
            return Results.StatusCode(statusFor?.Invoke(Interlocked.Increment(ref target._count)) ?? 200);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.Url = new Uri(new Uri(address), "hook");
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A dead webhook: accepts TCP connections and reads nothing, answers nothing, until disposed.</summary>
public sealed class SilentWebhookTarget : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public SilentWebhookTarget()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    _held.Add(await _listener.AcceptSocketAsync(_stop.Token));
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/dead");

    public int Connections => _held.Count;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var socket in _held)
        {
            socket.Dispose();
        }
        _stop.Dispose();
    }
}

public static class WebhookSettings
{
    /// <summary>Replaces the dashboard's webhooks with <paramref name="targets"/> (url, format) through the settings API.</summary>
    public static async Task SetAsync(HttpClient http, params (Uri Url, string Format)[] targets)
    {
        var settings = await Json.GetAsync(http, "/api/v1/settings/alerts");
        var document = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        document["webhooks"] = JsonSerializer.SerializeToElement(targets.Select(t => new { url = t.Url.ToString(), format = t.Format, enabled = true }));
        using var response = await http.PutAsync("/api/v1/settings/alerts", Json.Content(document));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Raises an external alert the way calibrax's trigger_alert does.</summary>
    public static async Task RaiseAsync(HttpClient http, string message, string? run = null)
    {
        using var response = await http.PostAsync("/api/v1/alerts", Json.Content(new { message, severity = "critical", run }));
        response.EnsureSuccessStatusCode();
    }
}
