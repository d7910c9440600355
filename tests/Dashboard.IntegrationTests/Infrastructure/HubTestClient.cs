using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal SignalR client speaking the JSON hub protocol over ClientWebSocket (the .NET SignalR
/// client is not served here). Records every server invocation by target.
/// </summary>
public sealed class HubTestClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _completions = new();
    private Task? _receiveLoop;
    private int _nextId;

    public ConcurrentQueue<(string Target, JsonElement Arguments)> Received { get; } = new();

    /// <summary>False once the server closed or aborted the connection.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open && _receiveLoop is { IsCompleted: false };

    public static async Task<HubTestClient> ConnectAsync(Uri baseAddress, string path = "/hubs/metrics",
        Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new HubTestClient();
        configure?.Invoke(client._socket.Options);
        var uri = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        var handshake = await client.ReceiveMessagesAsync();
        if (handshake.Count == 0 || handshake[0].TryGetProperty("error", out _))
        {
            throw new InvalidOperationException("SignalR handshake failed.");
        }
        client._receiveLoop = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    public async Task<JsonElement> InvokeAsync(string target, params object[] arguments)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _completions[id] = done;
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public IEnumerable<JsonElement> ArgumentsOf(string target) =>
        Received.Where(r => r.Target == target).Select(r => r.Arguments);

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                foreach (var message in await ReceiveMessagesAsync())
                {
                    var type = message.GetProperty("type").GetInt32();
                    if (type == 1)
                    {
                        Received.Enqueue((message.GetProperty("target").GetString()!, message.GetProperty("arguments").Clone()));
                    }
                    else if (type == 3 && _completions.TryRemove(message.GetProperty("invocationId").GetString()!, out var done))
                    {
                        if (message.TryGetProperty("error", out var error))
                        {
                            done.SetException(new InvalidOperationException(error.GetString()));
                        }
                        else
                        {
                            done.SetResult(message.TryGetProperty("result", out var r) ? r.Clone() : default);
                        }
                    }
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
        }
    }

    private async Task<List<JsonElement>> ReceiveMessagesAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return [];
            }
            text.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(text.ToArray())
            .Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(part => JsonDocument.Parse(part).RootElement.Clone())
            .ToList();
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }
        if (_receiveLoop is not null)
        {
            await Task.WhenAny(_receiveLoop, Task.Delay(1000));
        }
        _socket.Dispose();
        _stop.Dispose();
    }
}
