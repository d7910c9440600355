using Dashboard.Live;
using Dashboard.Components.Charts;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Pipelines;

/// <summary>
/// The pipelines page across runs (or one run/project): health per pipeline with its last status and p95, executions
/// over time (succeeded/failed bars), and the latest failures with their metadata. Live: each committed execution is
/// folded into <see cref="PipelinesPageState"/> (sums, last status, failures, its own time bucket). Only p95 over each
/// pipeline's latest executions is re-read, at most every <see cref="P95Refresh"/> while executions arrive (a sliding
/// sample the page does not hold); a window ending now is re-read whole at that pace, as executions leave it.
/// </summary>
public sealed partial class PipelinesPage
{
    private static readonly string[] Windows = ["5m", "1h", "24h", "7d", "all"];
    private static readonly TimeSpan P95Refresh = TimeSpan.FromSeconds(5);
    private const int FailureLimit = 50;
    private const int P95Sample = 1000;
    private const string ExampleBody = """{"run":"nightly-etl","events":[{"type":"pipeline_execution","pipeline":"ingest-documents","execution_time":4.2,"success":true}]}""";

    [Inject] private IPipelineReader Pipelines { get; set; } = default!;

    [Inject] private IPipelineDetailReader Details { get; set; } = default!;

    [Inject] private IMetricReader Metrics { get; set; } = default!;

    [Inject] private PageFeed Feed { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private IReadOnlyList<(string Run, string Project)> _runs = [];
    private TimeWindow _window = TimeWindow.All;
    private bool _badWindow;
    private PipelinesPageState? _state;
    private PipelinesHealth? _health;
    private long _to;
    private PageSubscription? _live;
    private DelayedRefresh? _refresh;
    private bool _liveOn;
    private long _folds;

    [SupplyParameterFromQuery(Name = "run")] public string? Run { get; set; }

    [SupplyParameterFromQuery(Name = "project")] public string? Project { get; set; }

    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }

    private Dictionary<string, PipelineLatest> Latest => _state?.Latest ?? [];

    private IReadOnlyList<PipelineFailure> Failures => _state?.Failures ?? [];

    protected override async Task OnParametersSetAsync()
    {
        _runs = Pipelines.GetRuns();
        _badWindow = !TimeWindow.TryParse(Window, PipelinesEndpoints.DefaultWindow, out _window);
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
        _refresh?.Dispose();
        _refresh = null;
        _live = null;
        Read();
        if (RendererInfo.IsInteractive)
        {
            _refresh = new DelayedRefresh(P95Refresh, Time, () => InvokeAsync(() =>
            {
                _runs = Pipelines.GetRuns();
                if (_window.Span is not null)
                {
                    Read();
                }
                else if (_state is not null)
                {
                    _state.SetP95(Details.GetLatest(_state.WindowStart, Empty(Run), Empty(Project), P95Sample));
                }
                StateHasChanged();
            }));
            _live = new PageSubscription(Feed, string.IsNullOrEmpty(Run) ? null : Run, OnCommittedAsync, Time);
        }
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

    /// <summary>The first view for the run, project and window: the only reads besides the p95 refresh.</summary>
    private void Read()
    {
        _state = null;
        _health = null;
        long? runId = null;
        if (!string.IsNullOrEmpty(Run) && (runId = Metrics.GetRunId(Run)) is null)
        {
            return;
        }
        var now = Timestamps.ToMicros(Time.GetUtcNow());
        long from;
        if (_window.Span is { } span)
        {
            from = now - (long)span.TotalMicroseconds;
        }
        else
        {
            // "All": from the minute of the first execution in scope (a pass in whole days finds its day, a pass in
            // minutes over that day its minute), so the axis frames the executions instead of starting at midnight.
            const long day = 86_400_000_000L;
            var firstDay = Details.GetTimeline(0, now, day, Empty(Run), Empty(Project)).FirstOrDefault();
            var firstMinute = firstDay is null ? null
                : Details.GetTimeline(firstDay.T, Math.Min(now, firstDay.T + day), 60_000_000L, Empty(Run), Empty(Project)).FirstOrDefault();
            from = firstMinute?.T ?? firstDay?.T ?? now - 3_600_000_000L;
        }
        _to = Math.Max(now, from + 60_000_000);
        var step = Math.Max(1_000_000, SeriesStep.Choose(from, _to, null) / 1_000_000 * 1_000_000);
        var windowStart = _window.StartMicros(Time.GetUtcNow());
        _state = new PipelinesPageState(windowStart, from, step,
            Pipelines.GetAggregates(windowStart, runId, Empty(Project)),
            Details.GetLatest(windowStart, Empty(Run), Empty(Project), P95Sample),
            Details.GetFailures(windowStart, Empty(Run), Empty(Project), FailureLimit),
            FailureLimit,
            Details.GetTimeline(from, _to, step, Empty(Run), Empty(Project)));
        _health = _state.Health();
        _refresh?.MarkRead();
    }

    private ChartSpec TimelineChart()
    {
        var (from, step) = (_state!.From, _state.Step);
        var n = (int)((_to - from) / step) + 1;
        var ok = new List<ChartPoint>(n);
        var failed = new List<ChartPoint>(n);
        for (var i = 0; i < n; i++)
        {
            var b = _state.Buckets.GetValueOrDefault(i);
            var x = (from + i * step) / 1000.0;
            ok.Add(new ChartPoint(x, b?.Succeeded ?? 0));
            failed.Add(new ChartPoint(x, b?.Failed ?? 0));
        }
        return new ChartSpec(ChartKind.Bar, [new ChartSeries("Succeeded", ok), new ChartSeries("Failed", failed)])
        {
            Axes = [new ChartAxis("Executions", Units.Count, Min: 0, Integer: true)],
            Time = new TimeSpanMs(from / 1000.0, (from + n * step) / 1000.0),
            Stacked = true,
        };
    }

    private Task OnCommittedAsync(IReadOnlyList<CommittedRun> commits) => InvokeAsync(() =>
    {
        if (_state is null)
        {
            return;
        }
        var changed = false;
        foreach (var c in commits)
        {
            if (!c.Metrics.ContainsKey(MetricNames.PipelineSuccess) || (!string.IsNullOrEmpty(Project) && c.Project != Project))
            {
                continue;
            }
            foreach (var e in c.AcceptedEvents)
            {
                changed |= _state.AddEvent(c.Run, e);
            }
        }
        if (!changed)
        {
            return;
        }
        // A window ending now grows to the newest execution; the health report is recomputed from the folded sums.
        _to = Math.Max(_to, _state.LastTs);
        _health = _state.Health();
        _folds++;
        _refresh?.Request();
        StateHasChanged();
    });

    private Task OnZoomAsync(TimeSpanMs span)
    {
        var covered = TimeSpan.FromMilliseconds(Time.GetUtcNow().ToUnixTimeMilliseconds() - span.FromMs);
        var window = Windows.Select(w => (w, TimeWindow.TryParse(w, "all", out var tw) ? tw.Span : null))
            .FirstOrDefault(x => x.Item2 is { } s && s >= covered).w ?? "all";
        return NavigateAsync(Run, Project, window);
    }

    private Task NavigateAsync(string? run, string? project, string window)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["run"] = Empty(run), ["project"] = Empty(project), ["window"] = window,
        }));
        return Task.CompletedTask;
    }

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    public async ValueTask DisposeAsync()
    {
        _refresh?.Dispose();
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }
}
