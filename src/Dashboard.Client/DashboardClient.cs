using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Client;

/// <summary>
/// Sends a run's events to the dashboard: afterimage's GenerationMonitor calls as typed events, buffered
/// in a bounded channel and posted in batches (when a batch is full or <see cref="DashboardClientOptions.FlushInterval"/>
/// passes) by one background loop, retried on 429/503/5xx with Retry-After, flushed on <see cref="DisposeAsync"/>.
/// Delivery failures never throw into the caller: they are logged, counted in <see cref="Status"/> and raised
/// through <see cref="DeliveryFailed"/>. Thread-safe.
/// </summary>
public sealed class DashboardClient : IAsyncDisposable
{
    private readonly DashboardClientOptions _options;
    private readonly Channel<object> _buffer;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DeliveryCounters _counters;
    private readonly BatchSender _sender;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly DashboardQueries _queries;
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Starts a client and its background send loop.</summary>
    /// <param name="options">Address, run, batching and retry settings.</param>
    /// <param name="logger">Where delivery failures are logged (warnings); none by default.</param>
    /// <param name="httpClient">An HttpClient to send with (not disposed by the client); its BaseAddress is ignored.</param>
    /// <param name="timeProvider">The clock for default timestamps, flush intervals and back-off; the system clock by default.</param>
    public DashboardClient(DashboardClientOptions options, ILogger? logger = null, HttpClient? httpClient = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = options.RequestTimeout };
        _queries = new DashboardQueries(options.BaseAddress, options.Run, options.ApiKey, _http);
        _counters = new DeliveryCounters(_logger);
        _counters.Failed += (_, failure) => DeliveryFailed?.Invoke(this, failure);
        _sender = new BatchSender(_http, options, _queries.IngestUri, _counters, _time, _logger, this);
        if (options.RunGoal is { } goal)
        {
            _sender.SetGoal(goal);
        }
        // Writers wait (or drop, for the synchronous calls) when full: memory stays bounded while the dashboard is down.
        _buffer = Channel.CreateBounded<object>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var loop = new SendLoop(_buffer, options, _sender, _time, _logger, ReportClosed);
        _loop = Task.Run(() => loop.RunAsync(_shutdown.Token));
    }

    /// <summary>
    /// Raised for every batch or event that did not reach the dashboard: on the send loop's thread, or on
    /// the caller's for a full buffer. A handler that throws is logged and ignored.
    /// </summary>
    public event EventHandler<DeliveryFailure>? DeliveryFailed;

    /// <summary>Counters of what was sent, found duplicate, failed and retried so far.</summary>
    public DeliveryStatus Status => _counters.Snapshot();

    /// <summary>The run's stats for one metric (GET /api/v1/runs/{run}/stats); throws on HTTP errors, as any query.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="window">30s, 5m, 1h, 24h, all or &lt;n&gt;s/m/h/d; default all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MetricStats> GetStatsAsync(string name, string window = "all", CancellationToken cancellationToken = default) =>
        _queries.GetStatsAsync(name, window, cancellationToken);

    /// <summary>The run's token usage per model, as afterimage's get_total_token_usage (GET /api/v1/runs/{run}/tokens).</summary>
    /// <param name="window">30s, 5m, 1h, 24h, all or &lt;n&gt;s/m/h/d; default all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<TokenUsageReport> GetTokenUsageAsync(string window = "all", CancellationToken cancellationToken = default) =>
        _queries.GetTokenUsageAsync(window, cancellationToken);

    /// <summary>
    /// Subscribes to the run's live updates over the dashboard's SignalR hub; <paramref name="onMetricsAppended"/>
    /// receives each MetricsAppended message (new points per metric, after they are committed). Dispose the
    /// subscription to stop; disposing the client stops it too.
    /// </summary>
    public Task<RunSubscription> SubscribeAsync(Action<MetricsAppended> onMetricsAppended, CancellationToken cancellationToken = default) =>
        _queries.SubscribeAsync(onMetricsAppended, cancellationToken);

    /// <summary>
    /// Sets the run's goal (target, deadline, acceptance threshold, budget): it travels as the <c>run_goal</c> of the next
    /// batch, and of each one after until a batch carrying it is accepted. Throws on a goal the dashboard would refuse.
    /// </summary>
    public void SetGoal(RunGoal goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        goal.Validate();
        _sender.SetGoal(goal);
    }

    /// <summary>Records a generation (afterimage's <c>track_generation</c>); waits only while the buffer is full.</summary>
    public ValueTask TrackGenerationAsync(GenerationEvent generation, CancellationToken cancellationToken = default) =>
        EnqueueAsync(generation, cancellationToken);

    /// <summary>Records an evaluation (afterimage's <c>track_evaluation</c>); waits only while the buffer is full.</summary>
    public ValueTask TrackEvaluationAsync(EvaluationEvent evaluation, CancellationToken cancellationToken = default) =>
        EnqueueAsync(evaluation, cancellationToken);

    /// <summary>Records a prediction (the PredictionMonitor's); waits only while the buffer is full.</summary>
    public ValueTask TrackPredictionAsync(PredictionEvent prediction, CancellationToken cancellationToken = default) =>
        EnqueueAsync(prediction, cancellationToken);

    /// <summary>Records a failed prediction; waits only while the buffer is full.</summary>
    public ValueTask TrackPredictionErrorAsync(PredictionErrorEvent error, CancellationToken cancellationToken = default) =>
        EnqueueAsync(error, cancellationToken);

    /// <summary>Records a pipeline execution (calibrax's); waits only while the buffer is full.</summary>
    public ValueTask TrackPipelineExecutionAsync(PipelineExecutionEvent execution, CancellationToken cancellationToken = default) =>
        EnqueueAsync(execution, cancellationToken);

    /// <summary>Records one metric point (afterimage's <c>record_metric</c>). Never blocks: a full buffer drops it and reports it.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="value">The value; NaN and infinities are kept.</param>
    /// <param name="metadata">Tags; <c>model_name</c> tags the point with a model.</param>
    /// <param name="timestamp">When it happened; now by default.</param>
    public void RecordMetric(string name, double value, IReadOnlyDictionary<string, object?>? metadata = null, DateTimeOffset? timestamp = null) =>
        TryEnqueue(new MetricEvent { Name = name, Value = value, Metadata = metadata, Timestamp = timestamp });

    /// <summary>Logs an info line to the run (afterimage's <c>log_info</c>). Never blocks.</summary>
    public void LogInfo(string message, object? data = null) => TryEnqueue(new LogEvent { Level = "info", Message = message, Data = data });

    /// <summary>Logs a warning line to the run (afterimage's <c>log_warning</c>). Never blocks.</summary>
    public void LogWarning(string message, object? data = null) => TryEnqueue(new LogEvent { Level = "warning", Message = message, Data = data });

    /// <summary>Logs an error line to the run (afterimage's <c>log_error</c>). Never blocks.</summary>
    public void LogError(string message, object? data = null) => TryEnqueue(new LogEvent { Level = "error", Message = message, Data = data });

    /// <summary>Queues any event; waits only while the buffer is full. After disposal the event is reported as not delivered.</summary>
    public async ValueTask EnqueueAsync(DashboardEvent e, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        try
        {
            await _buffer.Writer.WriteAsync(Stamp(e), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            ReportClosed(1);
        }
    }

    /// <summary>Queues any event without waiting; a full buffer drops it, reports it and returns false.</summary>
    public bool TryEnqueue(DashboardEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_buffer.Writer.TryWrite(Stamp(e)))
        {
            return true;
        }
        if (Volatile.Read(ref _disposed) != 0)
        {
            ReportClosed(1);
        }
        else
        {
            _counters.Report(new DeliveryFailure(DeliveryFailureKind.BufferFull, 1, null,
                $"The buffer of {_options.BufferCapacity} events is full (is the dashboard reachable?)."), this);
        }
        return false;
    }

    /// <summary>Sends everything queued before this call and waits until each batch is answered (or given up).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _buffer.Writer.WriteAsync(flushed, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await _loop.WaitAsync(cancellationToken);
            return;
        }
        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Delivers what is buffered (waiting at most <see cref="DashboardClientOptions.ShutdownTimeout"/>), then stops.
    /// Whatever could not be delivered in time is reported as <see cref="DeliveryFailureKind.NotDeliveredAtShutdown"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _buffer.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(_options.ShutdownTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _shutdown.CancelAsync();
            await _loop;
        }
        await _queries.DisposeAsync();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
        _shutdown.Dispose();
    }

    private DashboardEvent Stamp(DashboardEvent e) =>
        e.Id is null || e.Timestamp is null
            ? e with { Id = e.Id ?? Guid.NewGuid().ToString("N"), Timestamp = e.Timestamp ?? _time.GetUtcNow() }
            : e;

    private void ReportClosed(int events) =>
        _counters.Report(new DeliveryFailure(DeliveryFailureKind.NotDeliveredAtShutdown, events, null,
            "The client is disposed; the event was not sent."), this);
}
