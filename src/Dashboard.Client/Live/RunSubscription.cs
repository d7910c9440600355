using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Client;

/// <summary>
/// A live subscription to one run over the dashboard's SignalR hub (/hubs/metrics). Reconnects by
/// itself and joins the run's group again after each reconnection (groups do not survive one).
/// </summary>
public sealed class RunSubscription : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly string _run;

    private RunSubscription(HubConnection connection, string run)
    {
        _connection = connection;
        _run = run;
    }

    /// <summary>Connected, reconnecting or disconnected.</summary>
    public HubConnectionState State => _connection.State;

    internal static async Task<RunSubscription> StartAsync(Uri hubUri, string run, string? apiKey,
        Action<MetricsAppended> onMetricsAppended, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUri, o =>
            {
                if (apiKey is not null)
                {
                    o.Headers[DashboardQueries.ApiKeyHeader] = apiKey;
                }
            })
            .WithAutomaticReconnect()
            .AddJsonProtocol(o =>
            {
                o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
            })
            .Build();
        var subscription = new RunSubscription(connection, run);
        connection.On("MetricsAppended", onMetricsAppended);
        connection.Reconnected += _ => connection.InvokeAsync("SubscribeRun", run);
        try
        {
            await connection.StartAsync(ct);
            await connection.InvokeAsync("SubscribeRun", run, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return subscription;
    }

    /// <summary>Leaves the run's group and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection.State == HubConnectionState.Connected)
        {
            try
            {
                await _connection.InvokeAsync("UnsubscribeRun", _run);
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException or IOException)
            {
                // Closing anyway: the server drops the group membership with the connection.
            }
        }
        await _connection.DisposeAsync();
    }
}
