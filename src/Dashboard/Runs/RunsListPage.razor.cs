using Dashboard.Alerts;
using Dashboard.Live;
using Dashboard.Storage;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Runs;

/// <summary>
/// The runs list: one server-side page of runs at a time (sorted and filtered in storage, so 10,000 runs cost what 25
/// do), per-kind columns, a sparkline of the last hour, and live updates: commits of any run re-read the shown page
/// at most once a second (runs and their totals, never points) and fold event counts into the sparklines.
/// </summary>
public sealed partial class RunsListPage
{
    private static readonly (RunKinds Kind, string Label)[] KindChoices =
    [
        (RunKinds.None, "All kinds"), (RunKinds.Generations, "Generations"), (RunKinds.Predictions, "Predictions"),
        (RunKinds.Pipelines, "Pipelines"), (RunKinds.Evaluations, "Evaluations"),
    ];

    private static readonly Dictionary<string, RunListSort> SortColumns = new(StringComparer.Ordinal)
    {
        [nameof(RunListRow.Run)] = RunListSort.Name,
        [nameof(RunListRow.Project)] = RunListSort.Project,
        [nameof(RunListRow.FirstEvent)] = RunListSort.Started,
        [nameof(RunListRow.Duration)] = RunListSort.Duration,
        [nameof(RunListRow.Events)] = RunListSort.Events,
        [nameof(RunListRow.Generations)] = RunListSort.Generations,
        [nameof(RunListRow.SuccessRate)] = RunListSort.SuccessRate,
        [nameof(RunListRow.Tokens)] = RunListSort.Tokens,
        [nameof(RunListRow.Evaluations)] = RunListSort.Evaluations,
        [nameof(RunListRow.Predictions)] = RunListSort.Predictions,
        [nameof(RunListRow.MeanConfidence)] = RunListSort.Confidence,
        [nameof(RunListRow.PredictionErrorRate)] = RunListSort.PredictionErrorRate,
        [nameof(RunListRow.Executions)] = RunListSort.Executions,
        [nameof(RunListRow.ExecutionFailures)] = RunListSort.ExecutionFailures,
        [nameof(RunListRow.LastReceivedAt)] = RunListSort.LastActivity,
    };

    private MudDataGrid<RunListRow>? _grid;
    private GridData<RunListRow> _shown = new() { Items = [], TotalItems = 0 };
    private IReadOnlyList<string> _projects = [];
    private Dictionary<string, int> _firing = [];
    private readonly RunsActivity _activity = new();
    private PageSubscription? _live;
    private AlertNotifier? _notifier;
    private int _alertReloadPending;
    private int _total;
    private bool _empty;
    private bool _liveOn;
    private IReadOnlyDictionary<string, Dashboard.Costs.RunListCost> _costCells = new Dictionary<string, Dashboard.Costs.RunListCost>();
    private bool _costSortCapped;

    [Inject] private Dashboard.Costs.RunListCosts Costs { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }

    [SupplyParameterFromQuery(Name = "project")] public string? Project { get; set; }

    [SupplyParameterFromQuery(Name = "kind")] public string? KindName { get; set; }

    [SupplyParameterFromQuery(Name = "live")] public bool LiveOnly { get; set; }

    private RunKinds Kind => Enum.TryParse<RunKinds>(KindName, true, out var k) && KindChoices.Any(c => c.Kind == k) ? k : RunKinds.None;

    protected override async Task OnInitializedAsync()
    {
        _projects = await RunStore.GetProjectsAsync(default);
        if (RendererInfo.IsInteractive)
        {
            _live = new PageSubscription(Feed, null, OnCommittedAsync, Time);
            // A rule may fire after the commit that caused it was shown: firing marks follow alert changes too.
            _notifier = Services.GetService<AlertNotifier>();
            if (_notifier is not null)
            {
                _notifier.Changed += OnAlertChanged;
            }
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

    /// <summary>
    /// MudDataGrid keeps whichever ServerData read finishes last. So a read whose filters changed while it ran reads
    /// again: the rows shown always match the filters shown. A new read cancels the one before it (the token): the
    /// cancelled read keeps what is shown instead of throwing, because its caller (the first render, a live reload, the
    /// import's reload) would otherwise get the exception, and on the circuit an unhandled one ends the page.
    /// </summary>
    private async Task<GridData<RunListRow>> LoadAsync(GridState<RunListRow> state, CancellationToken ct)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var filters = FilterKey;
                var data = await ReadPageAsync(state, ct);
                if (filters == FilterKey || attempt == 3)
                {
                    return _shown = data;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return _shown;
        }
    }

    private (string? Project, string? Search, RunKinds Kind, bool LiveOnly) FilterKey => (Project, Search?.Trim(), Kind, LiveOnly);

    private async Task<GridData<RunListRow>> ReadPageAsync(GridState<RunListRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new RunListQuery(
            string.IsNullOrEmpty(Project) ? null : Project, Search?.Trim(), Kind, LiveOnly,
            sort?.SortBy is { } by && SortColumns.TryGetValue(by, out var s) ? s : RunListSort.LastActivity,
            sort?.Descending ?? true, state.Page * state.PageSize, state.PageSize);
        var now = Time.GetUtcNow();
        // Cost is priced at query time, so storage cannot sort by it: the only sortable column it does not know is cost.
        var byCost = sort is not null && (sort.SortBy is null || !SortColumns.ContainsKey(sort.SortBy));
        _costSortCapped = false;
        var page = byCost ? await CostSortedPageAsync(query, sort!.Descending, now, ct) : await Reader.GetRunListAsync(query, now, ct);
        _costCells = await Costs.GetAsync([.. page.Rows.Select(r => r.Run)], ct);
        _total = page.Total;
        _empty = page.Total == 0 && string.IsNullOrEmpty(Search) && string.IsNullOrEmpty(Project) && Kind == RunKinds.None && !LiveOnly;
        var missing = _activity.Missing(page.Rows.Select(r => r.Run), now);
        if (missing.Count > 0)
        {
            var end = MinuteEnd(now);
            _activity.Load(await Reader.GetActivityAsync(missing, end, _activity.Minutes, ct), now);
        }
        var firing = await Alerts.GetAsync(null, null, AlertState.Firing, 10_000, ct);
        _firing = firing.Where(a => a.Run is not null).GroupBy(a => a.Run!).ToDictionary(g => g.Key, g => g.Count());
        // The grid renders itself; the page's own parts (empty state, total) follow what was just read.
        StateHasChanged();
        return new GridData<RunListRow> { Items = page.Rows, TotalItems = page.Total };
    }

    /// <summary>The most recently active runs (at most RunListCosts.MaxSortedRuns) priced in one aggregate read and sorted by
    /// cost; runs with nothing priced last either way.</summary>
    private async Task<RunListPage> CostSortedPageAsync(RunListQuery query, bool descending, DateTimeOffset now, CancellationToken ct)
    {
        var all = await Reader.GetRunListAsync(query with { Sort = RunListSort.LastActivity, Descending = true, Offset = 0, Limit = Dashboard.Costs.RunListCosts.MaxSortedRuns }, now, ct);
        _costSortCapped = all.Total > Dashboard.Costs.RunListCosts.MaxSortedRuns;
        var costs = await Costs.GetCostsOnlyAsync([.. all.Rows.Select(r => r.Run)], ct);
        double? Cost(RunListRow r) => costs.GetValueOrDefault(r.Run)?.Cost;
        var priced = all.Rows.Where(r => Cost(r) is not null);
        var ordered = (descending ? priced.OrderByDescending(r => Cost(r)) : priced.OrderBy(r => Cost(r))).Concat(all.Rows.Where(r => Cost(r) is null));
        return new RunListPage([.. ordered.Skip(query.Offset).Take(query.Limit)], all.Total);
    }

    /// <summary>Storage's buckets end at the next whole minute, so the last one is the current minute the live fold adds to.</summary>
    private static DateTimeOffset MinuteEnd(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / 60 + 1) * 60);

    private async Task OnCommittedAsync(IReadOnlyList<CommittedRun> commits)
    {
        var projects = commits.Any(c => c.Created) ? await RunStore.GetProjectsAsync(default) : null;
        // The sparklines' counts are read while rendering and loaded by the grid's reads: they change on the page's
        // dispatcher only, never from the feed's thread.
        await InvokeAsync(async () =>
        {
            var now = Time.GetUtcNow();
            foreach (var c in commits)
            {
                _activity.Add(c.Run, c.Events, now);
            }
            _projects = projects ?? _projects;
            if (_grid is not null)
            {
                await _grid.ReloadServerData();
            }
            StateHasChanged();
        });
    }

    private void OnAlertChanged(Dashboard.Live.AlertChangedMessage alert)
    {
        // Many changes of one evaluation make one reload.
        if (Interlocked.Exchange(ref _alertReloadPending, 1) == 1)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            Volatile.Write(ref _alertReloadPending, 0);
            if (_grid is not null)
            {
                await _grid.ReloadServerData();
            }
        });
    }

    // Imported runs carry their own (often old) timestamps and may sort far down: filter to the run just imported.
    private async Task OnImportedAsync(string run)
    {
        Search = run;
        await ReloadAsync();
    }

    private Task FiltersChangedAsync(string _) => ReloadAsync();

    private Task OnProjectChangedAsync(string value)
    {
        Project = value;
        return ReloadAsync();
    }

    private Task OnKindChangedAsync(RunKinds kind)
    {
        KindName = kind == RunKinds.None ? null : kind.ToString().ToLowerInvariant();
        return ReloadAsync();
    }

    private Task OnLiveOnlyChangedAsync(bool value)
    {
        LiveOnly = value;
        return ReloadAsync();
    }

    // The filters live in the URL, so a filtered list can be shared or reloaded.
    private async Task ReloadAsync()
    {
        var uri = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
            ["project"] = string.IsNullOrEmpty(Project) ? null : Project,
            ["kind"] = KindName,
            ["live"] = LiveOnly ? "true" : null,
        });
        Navigation.NavigateTo(uri, forceLoad: false, replace: true);
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private static string RowClass(RunListRow row, int _) => row.Live ? "run-row live" : "run-row";

    private static string RowAttributes(RunListRow row, int _) => "";

    private static string Blank(long count, string text) => count > 0 ? text : "";

    private static IEnumerable<string> KindLabels(RunKinds kinds) =>
        KindChoices.Where(c => c.Kind != RunKinds.None && kinds.HasFlag(c.Kind)).Select(c => c.Label.ToLowerInvariant());

    private static string DurationText(TimeSpan? d) => d switch
    {
        null => Dashboard.Core.Format.Dash,
        { TotalSeconds: < 1 } => "< 1s",
        { TotalMinutes: < 1 } v => $"{(int)v.TotalSeconds}s",
        { TotalHours: < 1 } v => $"{(int)v.TotalMinutes}m {v.Seconds}s",
        { TotalDays: < 1 } v => $"{(int)v.TotalHours}h {v.Minutes}m",
        var v => $"{(int)v.Value.TotalDays}d {v.Value.Hours}h",
    };

    public async ValueTask DisposeAsync()
    {
        if (_notifier is not null)
        {
            _notifier.Changed -= OnAlertChanged;
        }
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }

    /// <summary>A kind the run has none of: an empty cell in the wide table, left out of the stacked card at 420 px.</summary>
    private static string KindCell(long count) => count > 0 ? "" : "kind-empty";
}
