using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Dashboard.Live;

/// <summary>
/// Whether this circuit's browser is connected. A browser that goes away without saying so (a crashed tab, a dropped
/// network, a closed laptop) leaves its circuit kept for minutes (CircuitOptions.DisconnectedCircuitRetentionPeriod);
/// a page that follows live data leaves its feed while nobody is connected, and reads again when the browser is back.
/// </summary>
public sealed class CircuitPresence : CircuitHandler
{
    public bool Connected { get; private set; } = true;

    /// <summary>The connection went down (false) or came back (true).</summary>
    public event Func<bool, Task>? Changed;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) => SetAsync(false);

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => SetAsync(true);

    private async Task SetAsync(bool connected)
    {
        if (Connected == connected)
        {
            return;
        }
        Connected = connected;
        if (Changed is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<bool, Task>>())
            {
                await handler(connected);
            }
        }
    }
}
