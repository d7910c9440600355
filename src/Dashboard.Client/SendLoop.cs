using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Dashboard.Client;

/// <summary>
/// The buffer's one reader: gathers a batch until it is full, <see cref="DashboardClientOptions.FlushInterval"/>
/// has passed since its first event, or a flush marker (a <see cref="TaskCompletionSource"/> written by
/// FlushAsync) arrives; sends it; then completes the markers, so a flush returns only once everything
/// queued before it has been answered. At shutdown, what is left is reported as undelivered.
/// </summary>
internal sealed class SendLoop(Channel<object> buffer, DashboardClientOptions options, BatchSender sender,
    TimeProvider time, ILogger logger, Action<int> reportUndelivered)
{
    private readonly ChannelReader<object> _reader = buffer.Reader;

    public async Task RunAsync(CancellationToken shutdown)
    {
        var batch = new List<DashboardEvent>(options.BatchSize);
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await _reader.WaitToReadAsync(shutdown))
            {
                var deadline = time.GetUtcNow() + options.FlushInterval;
                while (batch.Count < options.BatchSize && flushes.Count == 0)
                {
                    if (_reader.TryRead(out var item))
                    {
                        if (item is TaskCompletionSource flush)
                        {
                            flushes.Add(flush);
                        }
                        else
                        {
                            batch.Add((DashboardEvent)item);
                        }
                        continue;
                    }
                    var wait = deadline - time.GetUtcNow();
                    if (batch.Count == 0 || wait <= TimeSpan.Zero || !await WaitForMoreAsync(wait, shutdown))
                    {
                        break;
                    }
                }
                if (batch.Count > 0)
                {
                    await sender.SendAsync(batch.ToArray(), shutdown);
                    batch.Clear();
                }
                flushes.ForEach(f => f.TrySetResult());
                flushes.Clear();
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Unforeseen: stop quietly for the caller, loudly in the log, and close the buffer so later
            // events are reported instead of piling up and flushes are not left waiting.
            logger.LogError(ex, "Dashboard client: the send loop stopped");
            buffer.Writer.TryComplete();
        }
        var left = batch.Count;
        while (_reader.TryRead(out var item))
        {
            if (item is TaskCompletionSource flush)
            {
                flushes.Add(flush);
            }
            else
            {
                left++;
            }
        }
        if (left > 0)
        {
            reportUndelivered(left);
        }
        flushes.ForEach(f => f.TrySetResult());
    }

    /// <summary>True when something arrived before <paramref name="wait"/> passed; false at the deadline or when the buffer closed.</summary>
    private async Task<bool> WaitForMoreAsync(TimeSpan wait, CancellationToken shutdown)
    {
        using var deadline = new CancellationTokenSource(wait, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, shutdown);
        try
        {
            return await _reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            return false;
        }
    }
}
