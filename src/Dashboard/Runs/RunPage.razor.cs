using Dashboard.Components.Charts;
using Dashboard.Components.Shared;
using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Runs;

/// <summary>
/// One run's page: its kinds decide its sections (RunPage.razor). The first view is read once (RunPageLoader, from
/// rollups) and handed from the prerender to the circuit; then the page follows the run through a shared live fold
/// (RunLiveFolds) and renders at most once a second, reading storage again only when the range changes.
/// </summary>
public sealed partial class RunPage
{
    private RunPageState? _state;
    private RunRange _range = new(RunRange.Default, long.MinValue, long.MaxValue, null, null);
    private TimeSpanMs _span;
    private IReadOnlyList<LogLineResponse> _logs = [];
    private string? _problem;
    private string _project = "";
    private DateTimeOffset? _lastEvent;
    private long? _runId;
    private RunLiveFold.Lease? _live;
    private bool _interactive;
    private long _folds;
    private IReadOnlyList<JudgeFeedback> _feedback = [];
    private RunAlertWatch? _alertWatch;
    private Task<RunAlertWatch>? _alertWatchStart;
    private Dictionary<string, List<ChartBand>> _bands = [];
    private int _loads;
    private const string HandoffStateKey = "run-page-handoff";
    private string? _handoffKey;
    private string? _handedKey;
    private PersistingComponentStateSubscription _persisting;
    // Where the shown view came from: "prerender", "handed" (the prerender's, taken over) or "read" (read again).
    private string _firstView = "";

    [Parameter] public string Run { get; set; } = "";

    /// <summary>Present while prerendering (the first HTTP answer), so an unknown run or bad range answers 404/400.</summary>
    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    [SupplyParameterFromQuery] public string? Range { get; set; }

    [SupplyParameterFromQuery] public string? From { get; set; }

    [SupplyParameterFromQuery] public string? To { get; set; }

    [SupplyParameterFromQuery] public string? Level { get; set; }

    /// <summary>
    /// Generation figures are shown when the run has generations in range, or when it has nothing else there (an empty
    /// range still says "0 generations"); a classifier or pipeline run is not shown as an empty generation run.
    /// </summary>
    private bool ShowGenerations => _state is { } s && (s.Generations > 0 || s.GenerationTime.Count > 0
        || (s.Predictions + s.PredictionErrors + s.PipelineExecutions + s.Evaluations + s.CustomMetrics.Count == 0 && s.JudgeTokens.Count == 0));

    /// <summary>
    /// Query parameters changed (range picker, zoom): the only time storage is read again. Blazor does not wait for one
    /// parameter set to finish before starting the next, so two quick range changes load side by side; a load that a newer
    /// one overtook leaves the page alone, or the older range could land last and stay.
    /// </summary>
    protected override async Task OnParametersSetAsync()
    {
        var load = ++_loads;
        _problem = null;
        var field = RunRange.TryParse(Range, From, To, Time.GetUtcNow(), out var range);
        _range = range;
        if (field is not null)
        {
            SetStatus(StatusCodes.Status400BadRequest);
            _problem = field == "range"
                ? "The range must be 5m, 1h, 24h or all."
                : $"'{field}' must be a date and time such as 2026-11-20T09:00, and from must not be after to.";
            _state = null;
            return;
        }
        var level = Level is "info" or "warning" or "error" ? Level : null;
        if (TakeHandoff(range, level) is { } view)
        {
            // The prerender's view, shown at once (no second read, no empty page meanwhile); log lines are not among
            // the metrics the handoff compared, so they alone are read again.
            Show(view.Loaded, view.Project, view.Feedback, view.Logs);
            _firstView = "handed";
            var fresh = await RunStore.GetLogsAsync(view.Loaded.RunId, level, RunLogs.Limit, CancellationToken.None);
            if (load != _loads)
            {
                return;
            }
            _logs = fresh;
            await WatchAlertsAsync();
            await FollowAsync();
            return;
        }
        var loadStarted = RuntimeTimings.Start();
        var loaded = await Task.Run(() => Loader.Load(Run, range, Time.GetUtcNow()));
        RuntimeTimings.Add(RuntimeTimings.Kind.PageLoad, loadStarted);
        if (load != _loads)
        {
            return;
        }
        if (loaded is null)
        {
            SetStatus(StatusCodes.Status404NotFound);
            _problem = "No run with this name has been stored.";
            _state = null;
            return;
        }
        var header = await Task.Run(() => FeedbackReader.Read(Run, range.FromMicros, range.ToMicros));
        var logs = await RunStore.GetLogsAsync(loaded.RunId, level, RunLogs.Limit, CancellationToken.None);
        if (load != _loads)
        {
            return;
        }
        Show(loaded, header?.Project ?? "", header?.Feedback ?? [], logs);
        _firstView = RendererInfo.IsInteractive ? "read" : "prerender";
        if (!RendererInfo.IsInteractive)
        {
            _handoffKey = Handoff.Park(new RunPageHandoff.View(Run, range, level, loaded, _project, _feedback, logs));
        }
        await WatchAlertsAsync();
        await FollowAsync();
    }

    private void Show(RunPageLoader.Loaded loaded, string project, IReadOnlyList<JudgeFeedback> feedback, IReadOnlyList<LogLineResponse> logs)
    {
        _state = loaded.State;
        _runId = loaded.RunId;
        _project = project;
        _feedback = feedback;
        _logs = logs;
        _lastEvent = loaded.Metrics.Count == 0 ? null : loaded.Metrics.Max(m => m.LastTimestamp);
        _span = RunCharts.Span(_state, Time.GetUtcNow());
    }

    // Alerts are read once per page, not per range: a band outside the range is simply off the axis.
    private async Task WatchAlertsAsync()
    {
        _alertWatchStart ??= StartAlertWatchAsync();
        _alertWatch = await _alertWatchStart;
        _bands = _alertWatch.Bands(Time.GetUtcNow());
    }

    /// <summary>
    /// The prerendered view's key travels in the page (PersistentComponentState); the first interactive parameter set
    /// takes the view back (<see cref="RunPageHandoff"/>), later ones (range changes) read storage.
    /// </summary>
    protected override void OnInitialized()
    {
        if (PersistentState.TryTakeFromJson<string>(HandoffStateKey, out var key))
        {
            _handedKey = key;
        }
        _persisting = PersistentState.RegisterOnPersisting(() =>
        {
            if (_handoffKey is not null)
            {
                PersistentState.PersistAsJson(HandoffStateKey, _handoffKey);
            }
            return Task.CompletedTask;
        });
    }

    private RunPageHandoff.View? TakeHandoff(RunRange range, string? level)
    {
        var key = _handedKey;
        _handedKey = null;
        return key is not null && RendererInfo.IsInteractive ? Handoff.Take(key, Run, range, level) : null;
    }

    private async Task<RunAlertWatch> StartAlertWatchAsync()
    {
        var notifier = RendererInfo.IsInteractive ? Services.GetService<Dashboard.Alerts.AlertNotifier>() : null;
        var watch = await RunAlertWatch.StartAsync(Run, Alerts, AlertSettings, notifier, InvokeAsync);
        watch.Changed += OnAlertsChanged;
        return watch;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        RuntimeTimings.Add(RuntimeTimings.Kind.PageAck, _tickRendered);
        _tickRendered = 0;
        _awaitingAck = false;
        if (_tickHeld)
        {
            _tickHeld = false;
            RenderTick();
        }
        if (firstRender && RendererInfo.IsInteractive)
        {
            _interactive = true;
            Presence.Changed += OnPresenceChangedAsync;
            await FollowAsync();
            StateHasChanged();
        }
    }

    /// <summary>
    /// Joins the live fold of this run and range, shared with every other page showing them (<see cref="RunLiveFolds"/>),
    /// once the page is interactive and its range loaded; leaves the previous range's fold. A fixed past range follows nothing.
    /// </summary>
    private async Task FollowAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }
        var previous = _live;
        _live = null;
        if (previous is not null)
        {
            await previous.DisposeAsync();
        }
        if (_state is not { } s || _problem is not null || !RunLiveFolds.Follows(_range, Time.GetUtcNow()) || _live is not null || !Presence.Connected)
        {
            return;
        }
        RunLiveFold.Lease? lease = null;
        lease = LiveFolds.Join(Run, _range, s, null, _feedback, tick => InvokeAsync(() => TakeTick(lease!, tick)));
        _live = lease;
        // Another page may already follow this range: render its state (newer than this page's read, or the same).
        _state = lease.Fold.Current.State;
        _feedback = lease.Fold.Current.Feedback;
        _span = RunCharts.Span(_state, Time.GetUtcNow());
    }

    /// <summary>
    /// The browser went away without closing the page (its circuit is kept a while in case it comes back): leave the
    /// fold at once, so nobody's page is folded and rendered for nobody; when it is back, read the range again (it missed
    /// the commits in between) and follow anew.
    /// </summary>
    private Task OnPresenceChangedAsync(bool connected) => InvokeAsync(async () =>
    {
        if (!connected)
        {
            var live = _live;
            _live = null;
            if (live is not null)
            {
                await live.DisposeAsync();
            }
            StateHasChanged();
            return;
        }
        var load = _loads;
        if (_state is null || _problem is not null || !RunLiveFolds.Follows(_range, Time.GetUtcNow()))
        {
            return;
        }
        var loaded = await Task.Run(() => Loader.Load(Run, _range, Time.GetUtcNow()));
        if (loaded is null || load != _loads || !Presence.Connected)
        {
            return;
        }
        _state = loaded.State;
        var level = Level is "info" or "warning" or "error" ? Level : null;
        _logs = await RunStore.GetLogsAsync(loaded.RunId, level, RunLogs.Limit, CancellationToken.None);
        await FollowAsync();
        StateHasChanged();
    });

    /// <summary>
    /// A tick of the shared fold, on this component's dispatcher: the state is a copy nobody mutates, so rendering it
    /// never races the fold; only log lines are this page's own (its level filter).
    /// </summary>
    private async Task TakeTick(RunLiveFold.Lease lease, RunLiveTick tick)
    {
        if (!ReferenceEquals(lease, _live))
        {
            return;
        }
        var started = RuntimeTimings.Start();
        _state = tick.State;
        _feedback = tick.Feedback;
        if (tick.LastEventMicros != long.MinValue && (_lastEvent is null || tick.LastEventMicros > Timestamps.ToMicros(_lastEvent.Value)))
        {
            _lastEvent = Timestamps.FromMicros(tick.LastEventMicros);
        }
        if (tick.Reread && _runId is { } runId)
        {
            var level = Level is "info" or "warning" or "error" ? Level : null;
            _logs = await RunStore.GetLogsAsync(runId, level, RunLogs.Limit, CancellationToken.None);
        }
        else if (tick.Logs.Count > 0)
        {
            var newLogs = tick.Logs.Where(l => Level is null || l.Level == Level)
                .Select(l => new LogLineResponse(Timestamps.FromMicros(l.Timestamp), l.Level, l.Message, l.DataJson)).ToList();
            _logs = [.. newLogs.OrderByDescending(l => l.Timestamp).Concat(_logs).Take(RunLogs.Limit)];
        }
        if (!ReferenceEquals(lease, _live))
        {
            return;
        }
        _span = RunCharts.Span(_state, Time.GetUtcNow());
        _bands = _alertWatch?.Bands(Time.GetUtcNow()) ?? _bands;
        _folds++;
        RenderTick();
        RuntimeTimings.Add(RuntimeTimings.Kind.PageTick, started);
    }

    // A tick's render on its way to a browser that has not acknowledged it yet (OnAfterRender comes with the acknowledgement).
    private bool _awaitingAck;
    // A tick taken meanwhile: rendered (its newest state) once the browser caught up.
    private bool _tickHeld;
    // When the last tick's render was queued (sampling only).
    private long _tickRendered;

    /// <summary>
    /// At most one tick's render in flight per browser: a browser slower than the ticks (a busy or throttled tab) gets the
    /// newest state when it has taken the last one, instead of a queue of stale renders the circuit must hold and send.
    /// </summary>
    private void RenderTick()
    {
        if (_awaitingAck)
        {
            _tickHeld = true;
            return;
        }
        _awaitingAck = true;
        _tickRendered = RuntimeTimings.Start();
        StateHasChanged();
    }

    private void SetStatus(int status)
    {
        if (HttpContext is { Response.HasStarted: false } http)
        {
            http.Response.StatusCode = status;
        }
    }

    private ChartSpec Spec(Func<RunPageState, TimeSpanMs, ChartSpec> chart, params string[] metrics) =>
        chart(_state!, _span) with { Bands = RunAlertBands.For(_bands, _span, metrics) };

    /// <summary>A band is at least 1/150 of the axis wide, or a just-fired alert would be a hairline.</summary>

    // Already on the page's dispatcher (RunAlertWatch dispatches): firing periods change, the alert rows re-render themselves.
    private void OnAlertsChanged()
    {
        _bands = _alertWatch?.Bands(Time.GetUtcNow()) ?? _bands;
        StateHasChanged();
    }

    private static List<NamedCount> Counts(Dictionary<string, long> counts)
    {
        var total = counts.Values.Sum();
        return [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new NamedCount(c.Key, c.Value, (double)c.Value / total))];
    }

    /// <summary>A drag on a time chart: the range becomes [from, to] in the URL (shareable), and the page reloads it from storage.</summary>
    private void ZoomAsync(TimeSpanMs span)
    {
        var f = DateTimeOffset.FromUnixTimeMilliseconds((long)span.FromMs).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var t = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Ceiling(span.ToMs / 1000) * 1000).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Navigation.NavigateTo($"{Format.RunHref(Run)}?range=custom&from={Uri.EscapeDataString(f)}&to={Uri.EscapeDataString(t)}");
    }

    public async ValueTask DisposeAsync()
    {
        _persisting.Dispose();
        Presence.Changed -= OnPresenceChangedAsync;
        if (_alertWatchStart is not null)
        {
            (await _alertWatchStart).Dispose();
        }
        var live = _live;
        _live = null;
        if (live is not null)
        {
            await live.DisposeAsync();
        }
    }
}
