namespace Dashboard.Client;

/// <summary>Where a <see cref="DashboardClient"/> sends, under which run, and how it batches and retries.</summary>
public sealed class DashboardClientOptions
{
    /// <summary>The dashboard's base address, e.g. <c>http://localhost:5000</c>.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The run every event of this client belongs to (1-128 letters, digits, '.', '_', ':', '-').</summary>
    public required string Run { get; init; }

    /// <summary>The run's project; the server's default is <c>default</c>.</summary>
    public string? Project { get; init; }

    /// <summary>The run's goal, sent with the first batch (and each batch until one carrying it is accepted); see <see cref="DashboardClient.SetGoal"/>.</summary>
    public RunGoal? RunGoal { get; init; }

    /// <summary>An ingest key (or null when the dashboard runs with <c>Auth:Mode=None</c>); sent as <c>X-Api-Key</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Most events in one request; a batch is sent as soon as it is this full. Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Longest time an event waits in the buffer before its batch is sent. Default 1 second.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Events the buffer holds. When it is full the <c>Async</c> calls wait for room and the synchronous
    /// ones (RecordMetric, Log*) drop the event and report it. Default 10,000.
    /// </summary>
    public int BufferCapacity { get; init; } = 10_000;

    /// <summary>Attempts per batch (the first one included) for 408, 429, 5xx and network errors. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First back-off delay when the server gives no Retry-After; doubled per attempt. Default 0.5 s.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts, whatever Retry-After says. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="DashboardClient.DisposeAsync"/> waits to deliver what is buffered. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP request. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(Run);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FlushInterval, TimeSpan.Zero);
        RunGoal?.Validate();
    }
}
