using Microsoft.Extensions.Logging;

namespace Dashboard.Client;

/// <summary>Thread-safe tallies behind <see cref="DashboardClient.Status"/>, and the one place a failure is reported.</summary>
internal sealed class DeliveryCounters(ILogger logger)
{
    private long _sent;
    private long _duplicates;
    private long _failed;
    private long _retries;
    private DeliveryFailure? _lastFailure;

    public event EventHandler<DeliveryFailure>? Failed;

    public DeliveryStatus Snapshot() => new(Interlocked.Read(ref _sent), Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _retries), Volatile.Read(ref _lastFailure));

    public void Delivered(int accepted, int duplicates)
    {
        Interlocked.Add(ref _sent, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Report(DeliveryFailure failure, object? sender)
    {
        Interlocked.Add(ref _failed, failure.Events);
        Volatile.Write(ref _lastFailure, failure);
        logger.LogWarning("Dashboard client: {Events} event(s) not delivered ({Kind}, status {Status}): {Message}",
            failure.Events, failure.Kind, failure.StatusCode, failure.Message);
        try
        {
            Failed?.Invoke(sender, failure);
        }
        catch (Exception ex)
        {
            // A throwing handler must not stop delivery of everything after it.
            logger.LogError(ex, "A DeliveryFailed handler threw");
        }
    }
}
