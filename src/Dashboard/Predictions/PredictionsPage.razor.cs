using Dashboard.Live;
using Fmt = Dashboard.Core.Format;
using Dashboard.Components.Charts;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Predictions;

/// <summary>
/// The predictions page: one run's rate, confidence and errors over the chosen range, its labels, confidence buckets
/// and processing-time percentiles (once, as a table). Live: each commit of the run is folded into the totals (counts,
/// labels, bands, hours, errors) and the time buckets, work per new point (<see cref="PredictionLiveState"/>). Storage is
/// read again, at most every <see cref="SummaryRefresh"/>, only for what a fold cannot give: processing-time
/// percentiles when new times arrived, a range ending now (points leave it), a peer's commit.
/// </summary>
public sealed partial class PredictionsPage
{
    private static readonly string[] Windows = ["5m", "1h", "24h", "7d", "all"];
    private static readonly TimeSpan SummaryRefresh = TimeSpan.FromSeconds(5);
    private const string ExampleBody = """{"run":"my-classifier","events":[{"type":"prediction","prediction":"positive","confidence":0.92,"processing_time":0.041,"model_version":"v3","text":"great product"},{"type":"prediction_error","error_type":"Timeout","error_message":"took over 10 s"}]}""";

    [Inject] private IMetricReader Metrics { get; set; } = default!;

    [Inject] private IPredictionReader Predictions { get; set; } = default!;

    [Inject] private PageFeed Feed { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private IReadOnlyList<PredictionRun> _runs = [];
    private string? _selected;
    private TimeWindow _window = TimeWindow.All;
    private bool _badWindow;
    private bool _missing;
    private PredictionLiveState? _state;
    private long _runId;
    private PageSubscription? _live;
    private PageSubscription? _pickerLive;
    private DelayedRefresh? _refresh;
    private bool _liveOn;

    // Which load the page shows; commits that arrive for it before its reads land wait in _early.
    private int _loads;
    private List<CommittedRun> _early = [];

    [SupplyParameterFromQuery(Name = "run")] public string? Run { get; set; }

    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }

    private PredictionSummary? Summary => _state?.Summary;

    private PredictionTimeline? Timeline => _state?.Timeline;

    /// <summary>Hour of day says something only when the range holds more than one day.</summary>
    private bool ShowHours => _window.Span is { } span
        ? span > TimeSpan.FromDays(1)
        : Timeline is { } t && t.ToMicros - t.FromMicros - t.StepMicros > 86_400_000_000L;

    protected override async Task OnParametersSetAsync()
    {
        _runs = Predictions.GetRuns();
        _badWindow = !TimeWindow.TryParse(Window, PredictionsEndpoints.DefaultWindow, out _window);
        _selected = string.IsNullOrEmpty(Run) ? _runs.FirstOrDefault()?.Run : Run;
        await LoadAsync();
    }

    /// <summary>Marks the page live once the circuit has rendered it (tests wait for data-live="on" before posting).</summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _liveOn = true;
            _pickerLive = new PageSubscription(Feed, null, OnPickerCommitsAsync, Time);
            StateHasChanged();
        }
    }

    /// <summary>
    /// The run picker's counts move with the predictions of every listed run, not only the selected one: a commit with
    /// predictions or errors (at most one batch a second) re-reads the list, one small read over the runs' metric totals.
    /// </summary>
    private async Task OnPickerCommitsAsync(IReadOnlyList<CommittedRun> commits)
    {
        if (!commits.Any(c => c.Metrics.ContainsKey(MetricNames.PredictionConfidence) || c.Metrics.ContainsKey(MetricNames.PredictionError)))
        {
            return;
        }
        var runs = await Task.Run(() => Predictions.GetRuns());
        await InvokeAsync(() =>
        {
            if (_runs.Count > 0)
            {
                // An empty page fills through its own subscription (OnAnyCommitAsync), which also selects the run.
                _runs = runs;
                StateHasChanged();
            }
        });
    }

    /// <summary>
    /// Reads the run and range, subscribed first so no commit published during the reads is missed; the reads report
    /// the run event count they hold, so none is folded twice either. Blazor does not wait for one parameter set to
    /// finish before starting the next: a load that a newer one overtook leaves the page alone (as on the run page).
    /// </summary>
    private async Task LoadAsync()
    {
        var load = ++_loads;
        _early = [];
        await StopLiveAsync();
        if (load != _loads)
        {
            return;
        }
        _missing = false;
        if (_selected is null || Metrics.GetRunId(_selected) is not { } runId)
        {
            _state = null;
            _missing = _selected is not null;
            if (RendererInfo.IsInteractive && _runs.Count == 0)
            {
                // The first prediction of any run fills the empty page without a reload.
                _live = new PageSubscription(Feed, null, commits => OnAnyCommitAsync(load, commits), Time);
            }
            return;
        }
        var run = _selected;
        var window = _window;
        var live = RendererInfo.IsInteractive ? new PageSubscription(Feed, run, commits => OnCommittedAsync(load, commits), Time) : null;
        var now = Time.GetUtcNow();
        var reads = new PredictionReads(Metrics, Predictions);
        var state = await Task.Run(() =>
        {
            var totals = reads.ReadTotals(runId, window, now);
            var (timeline, seen, exact) = reads.ReadTimeline(runId, window, now);
            var s = new PredictionLiveState(run, window, PredictionReads.FromMicros(window, now), totals, timeline, seen);
            s.ReplaceTimeline(timeline, seen, exact);
            return s;
        });
        if (load != _loads)
        {
            if (live is not null)
            {
                await live.DisposeAsync();
            }
            return;
        }
        _state = state;
        _runId = runId;
        _live = live;
        if (live is not null)
        {
            _refresh = new DelayedRefresh(SummaryRefresh, Time, () => InvokeAsync(() => Reread(load)));
            var early = _early;
            _early = [];
            Apply(state.Fold(early));
        }
    }

    private async Task StopLiveAsync()
    {
        _refresh?.Dispose();
        _refresh = null;
        if (_live is { } live)
        {
            _live = null;
            await live.DisposeAsync();
        }
    }

    // Folded on the renderer's dispatcher, so a render never sees half a fold.
    private Task OnCommittedAsync(int load, IReadOnlyList<CommittedRun> commits) => InvokeAsync(() =>
    {
        if (load != _loads)
        {
            return;
        }
        if (_state is null || _live is null)
        {
            _early.AddRange(commits);
            return;
        }
        if (Apply(_state.Fold(commits)))
        {
            StateHasChanged();
        }
    });

    private bool Apply(FoldOutcome outcome)
    {
        if (outcome == FoldOutcome.RenderAndRead)
        {
            _refresh?.Request();
        }
        return outcome != FoldOutcome.Nothing;
    }

    /// <summary>What folds cannot give: percentiles, a sliding range's leaving points, commits of unknown place.</summary>
    private void Reread(int load)
    {
        if (load != _loads || _state is null)
        {
            return;
        }
        var now = Time.GetUtcNow();
        var reads = new PredictionReads(Metrics, Predictions);
        _state.ReplaceTotals(reads.ReadTotals(_runId, _window, now), PredictionReads.FromMicros(_window, now));
        if (_state.TimelineStale)
        {
            var (timeline, seen, exact) = reads.ReadTimeline(_runId, _window, now);
            _state.ReplaceTimeline(timeline, seen, exact);
        }
        StateHasChanged();
    }

    private Task OnAnyCommitAsync(int load, IReadOnlyList<CommittedRun> commits)
    {
        if (commits.Any(c => c.Metrics.ContainsKey(MetricNames.PredictionConfidence) || c.Metrics.ContainsKey(MetricNames.PredictionError)))
        {
            // Not awaited: the reload replaces this very subscription, whose loop must not wait on itself.
            _ = InvokeAsync(async () =>
            {
                if (load != _loads)
                {
                    return;
                }
                _runs = Predictions.GetRuns();
                _selected = _runs.FirstOrDefault()?.Run;
                await LoadAsync();
                StateHasChanged();
            });
        }
        return Task.CompletedTask;
    }

    private Task OnRunChangedAsync(string run) => NavigateAsync(run, _window.Text);

    private Task OnWindowChangedAsync(string window) => NavigateAsync(_selected, window);

    // A drag on a time chart narrows the range to the chosen stretch: as a custom window ending now is not expressible,
    // the nearest window that covers the selection is used.
    private Task OnZoomAsync(TimeSpanMs span)
    {
        var covered = TimeSpan.FromMilliseconds(Time.GetUtcNow().ToUnixTimeMilliseconds() - span.FromMs);
        var window = Windows.Select(w => (w, TimeWindow.TryParse(w, "all", out var tw) ? tw.Span : null))
            .FirstOrDefault(x => x.Item2 is { } s && s >= covered).w ?? "all";
        return NavigateAsync(_selected, window);
    }

    private Task NavigateAsync(string? run, string window)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["run"] = run, ["window"] = window }));
        return Task.CompletedTask;
    }

    /// <summary>A run as the picker shows it: its name and its prediction count, which moves live.</summary>
    private string RunLabel(string? run) => _runs.FirstOrDefault(r => r.Run == run) is { } r ? RunLabel(r) : run ?? "";

    private static string RunLabel(PredictionRun r) => $"{r.Run} ({Fmt.Count(r.Predictions)} {(r.Predictions == 1 ? "prediction" : "predictions")})";

    private static string WindowLabel(string w) => w switch
    {
        "5m" => "last 5 minutes",
        "1h" => "last hour",
        "24h" => "last 24 hours",
        "7d" => "last 7 days",
        _ => "all time",
    };

    public async ValueTask DisposeAsync()
    {
        _loads++;
        await StopLiveAsync();
        if (_pickerLive is not null)
        {
            await _pickerLive.DisposeAsync();
        }
    }
}
