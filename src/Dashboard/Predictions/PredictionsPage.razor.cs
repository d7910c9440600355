using Dashboard.Live;
using Dashboard.Components.Charts;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Predictions;

/// <summary>
/// The predictions page: one run's rate, confidence and errors over the chosen range, its labels, confidence buckets
/// and processing-time percentiles (once, as a table). Live: each commit of the run adds its counts to the time buckets
/// (work per commit); the summary's labels and percentiles, which need the points themselves, are re-read at most
/// every <see cref="SummaryRefresh"/> while new predictions arrive.
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
    private PredictionSummary? _summary;
    private PredictionTimeline? _timeline;
    private PageSubscription? _live;
    private DelayedRefresh? _summaryRefresh;
    private bool _liveOn;

    [SupplyParameterFromQuery(Name = "run")] public string? Run { get; set; }

    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }

    /// <summary>Hour of day says something only when the range holds more than one day.</summary>
    private bool ShowHours => _timeline is { } t && t.ToMicros - t.FromMicros - t.StepMicros > 86_400_000_000L;

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
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
            _live = null;
        }
        _summary = null;
        _timeline = null;
        if (_selected is null || Metrics.GetRunId(_selected) is not { } runId)
        {
            if (RendererInfo.IsInteractive && _runs.Count == 0)
            {
                // The first prediction of any run fills the empty page without a reload.
                _live = new PageSubscription(Feed, null, OnAnyCommitAsync, Time);
            }
            return;
        }
        var now = Time.GetUtcNow();
        _summary = PredictionsEndpoints.Summarize(Metrics, Predictions, Time, _selected, _window);
        _timeline = BuildTimeline(runId, now);
        if (RendererInfo.IsInteractive)
        {
            _summaryRefresh?.Dispose();
            var run = _selected;
            _summaryRefresh = new DelayedRefresh(SummaryRefresh, Time, () => InvokeAsync(() =>
            {
                _summary = PredictionsEndpoints.Summarize(Metrics, Predictions, Time, run, _window);
                StateHasChanged();
            }));
            _live = new PageSubscription(Feed, _selected, OnCommittedAsync, Time);
        }
    }

    private PredictionTimeline BuildTimeline(long runId, DateTimeOffset now)
    {
        var nowMicros = Timestamps.ToMicros(now);
        long from, to;
        if (_window.Span is { } span)
        {
            from = nowMicros - (long)span.TotalMicroseconds;
            to = nowMicros;
        }
        else
        {
            var c = Metrics.GetExtent(runId, MetricNames.PredictionConfidence);
            var e = Metrics.GetExtent(runId, MetricNames.PredictionError);
            from = Math.Min(c?.First ?? nowMicros, e?.First ?? nowMicros);
            to = Math.Max(Math.Max(c?.Last ?? from, e?.Last ?? from), from + 60_000_000);
        }
        var step = SeriesStep.Choose(from, to, null);
        step = Math.Max(step, 1_000_000) / 1_000_000 * 1_000_000;
        var timeline = new PredictionTimeline(from, to, step, sliding: _window.Span is not null);
        var confidence = Metrics.GetSeries(runId, MetricNames.PredictionConfidence, timeline.FromMicros, to, step);
        var errors = Metrics.GetSeries(runId, MetricNames.PredictionError, timeline.FromMicros, to, step);
        timeline.Load(
            confidence.Select(b => (Timestamps.ToMicros(b.T), b.Count, b.Mean)),
            errors.Select(b => (Timestamps.ToMicros(b.T), b.Count)));
        return timeline;
    }

    // Folded on the renderer's dispatcher, so a render never sees half a fold.
    private Task OnCommittedAsync(IReadOnlyList<CommittedRun> commits) => InvokeAsync(() => Fold(commits));

    private void Fold(IReadOnlyList<CommittedRun> commits)
    {
        long predictions = 0, errors = 0;
        foreach (var c in commits)
        {
            var conf = c.Metrics.GetValueOrDefault(MetricNames.PredictionConfidence);
            var err = c.Metrics.GetValueOrDefault(MetricNames.PredictionError);
            if (conf is null && err is null)
            {
                continue;
            }
            var t = Math.Max(conf?.LastTimestamp ?? long.MinValue, err?.LastTimestamp ?? long.MinValue);
            _timeline?.Fold(t, conf?.Count ?? 0, conf?.Sum ?? 0, err?.Count ?? 0);
            predictions += conf?.Count ?? 0;
            errors += err?.Count ?? 0;
        }
        if (predictions + errors == 0 || _summary is null)
        {
            return;
        }
        // Counters move with every commit; labels, indicators and percentiles catch up at the next re-read.
        var p = _summary.Predictions + predictions;
        var e = _summary.Errors + errors;
        _summary = _summary with { Predictions = p, Errors = e, ErrorRate = p + e == 0 ? null : (double)e / (p + e) };
        _summaryRefresh?.Request();
        StateHasChanged();
    }

    private Task OnAnyCommitAsync(IReadOnlyList<CommittedRun> commits)
    {
        if (commits.Any(c => c.Metrics.ContainsKey(MetricNames.PredictionConfidence) || c.Metrics.ContainsKey(MetricNames.PredictionError)))
        {
            // Not awaited: the reload replaces this very subscription, whose loop must not wait on itself.
            _ = InvokeAsync(async () =>
            {
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
        _summaryRefresh?.Dispose();
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }
}
