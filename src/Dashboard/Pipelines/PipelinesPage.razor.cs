using Dashboard.Ingest;
using Dashboard.Components.Charts;
using Dashboard.Live;
using Dashboard.Persistence;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Pipelines;

/// <summary>
/// The pipelines page across runs (or one run/project): health per pipeline with its last status and p95, executions
/// over time (succeeded/failed bars; live commits add to the current bucket), and the latest failures with their
/// metadata. The per-pipeline table and failures are re-read at most every <see cref="TableRefresh"/> while executions arrive.
/// </summary>
public sealed partial class PipelinesPage
{
    private static readonly string[] Windows = ["5m", "1h", "24h", "7d", "all"];
    private static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(2);
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
    private PipelinesHealth? _health;
    private Dictionary<string, PipelineLatest> _latest = [];
    private IReadOnlyList<PipelineFailure> _failures = [];
    private long _from;
    private long _to;
    private long _step;
    private Dictionary<long, ExecutionBucket> _buckets = [];
    private PageSubscription? _live;
    private DelayedRefresh? _tables;
    private bool _liveOn;

    [SupplyParameterFromQuery(Name = "run")] public string? Run { get; set; }

    [SupplyParameterFromQuery(Name = "project")] public string? Project { get; set; }

    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _runs = Pipelines.GetRuns();
        _badWindow = !TimeWindow.TryParse(Window, PipelinesEndpoints.DefaultWindow, out _window);
        ReadTables();
        ReadTimeline();
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
        _tables?.Dispose();
        _tables = null;
        _live = null;
        if (RendererInfo.IsInteractive)
        {
            _tables = new DelayedRefresh(TableRefresh, Time, () => InvokeAsync(() =>
            {
                _runs = Pipelines.GetRuns();
                ReadTables();
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

    private void ReadTables()
    {
        var now = Time.GetUtcNow();
        _health = PipelinesEndpoints.Report(Metrics, Pipelines, Time, _window, Empty(Run), Empty(Project));
        var from = _window.StartMicros(now);
        _latest = Details.GetLatest(from, Empty(Run), Empty(Project), P95Sample).ToDictionary(l => l.Pipeline, StringComparer.Ordinal);
        _failures = Details.GetFailures(from, Empty(Run), Empty(Project), FailureLimit);
    }

    private void ReadTimeline()
    {
        var now = Timestamps.ToMicros(Time.GetUtcNow());
        if (_window.Span is { } span)
        {
            _from = now - (long)span.TotalMicroseconds;
        }
        else
        {
            // "All": from the day of the first execution in scope (one pass in whole days, then the real buckets).
            var first = Details.GetTimeline(0, now, 86_400_000_000L, Empty(Run), Empty(Project)).FirstOrDefault();
            _from = first?.T ?? now - 3_600_000_000L;
        }
        _to = Math.Max(now, _from + 60_000_000);
        _step = Math.Max(1_000_000, SeriesStep.Choose(_from, _to, null) / 1_000_000 * 1_000_000);
        _buckets = Details.GetTimeline(_from, _to, _step, Empty(Run), Empty(Project)).ToDictionary(b => (b.T - _from) / _step);
    }

    private ChartSpec TimelineChart()
    {
        var n = (int)((_to - _from) / _step) + 1;
        var ok = new List<ChartPoint>(n);
        var failed = new List<ChartPoint>(n);
        for (var i = 0; i < n; i++)
        {
            var b = _buckets.GetValueOrDefault(i);
            var x = (_from + i * _step) / 1000.0;
            ok.Add(new ChartPoint(x, b?.Succeeded ?? 0));
            failed.Add(new ChartPoint(x, b?.Failed ?? 0));
        }
        return new ChartSpec(ChartKind.Bar, [new ChartSeries("Succeeded", ok), new ChartSeries("Failed", failed)])
        {
            Axes = [new ChartAxis("Executions", Units.Count, Min: 0, Integer: true)],
            Time = new TimeSpanMs(_from / 1000.0, (_from + n * _step) / 1000.0),
            Stacked = true,
        };
    }

    private Task OnCommittedAsync(IReadOnlyList<CommittedRun> commits) => InvokeAsync(() =>
    {
        foreach (var c in commits)
        {
            if (c.Metrics.GetValueOrDefault(MetricNames.PipelineSuccess) is not { } d || (!string.IsNullOrEmpty(Project) && c.Project != Project))
            {
                continue;
            }
            // The commit's executions go to the bucket of its newest point; a sliding range grows to cover it.
            var i = (d.LastTimestamp - _from) / _step;
            if (i < 0)
            {
                continue;
            }
            _to = Math.Max(_to, d.LastTimestamp);
            var okCount = (long)Math.Round(d.Sum);
            var b = _buckets.GetValueOrDefault(i) ?? new ExecutionBucket(_from + i * _step, 0, 0);
            _buckets[i] = b with { Succeeded = b.Succeeded + okCount, Failed = b.Failed + d.Count - okCount };
            _tables?.Request();
        }
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
        _tables?.Dispose();
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }
}
