namespace Dashboard.Live;

/// <summary>
/// For page parts that need a re-read rather than a fold (percentiles, label lists): after new data arrives, one
/// re-read runs once <see cref="Every"/> has passed since the last, however many commits came in between.
/// </summary>
public sealed class DelayedRefresh(TimeSpan every, TimeProvider time, Func<Task> refresh) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private DateTimeOffset _last = time.GetUtcNow();
    private int _scheduled;

    public TimeSpan Every { get; } = every;

    /// <summary>The last re-read happened now (the page read everything itself).</summary>
    public void MarkRead() => _last = time.GetUtcNow();

    /// <summary>New data arrived: re-read when the interval since the last read has passed (now, or later once).</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }
        var wait = _last + Every - time.GetUtcNow();
        _ = RunAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private async Task RunAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, _stop.Token);
            }
            Volatile.Write(ref _scheduled, 0);
            _last = time.GetUtcNow();
            await refresh();
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
