using Dashboard.Live;
using Dashboard.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Dashboard.Alerts;

/// <summary>
/// The alerts grid of the alerts page (with filters) and of a run's page (one run, no filters). The first view reads
/// the newest alerts once; then each alert change the notifier pushes is applied in place (no re-read), at most one
/// render a second.
/// </summary>
public sealed partial class AlertsGrid
{
    private List<AlertChangedMessage> _alerts = [];
    private DateTimeOffset _now;
    private bool _mayAct;
    private bool _dirty;
    private PeriodicTimer? _tick;
    private CancellationTokenSource? _stop;
    private AlertNotifier? _notifier;
    private bool _liveOn;
    private List<Silence> _silences = [];
    private SilenceDraft? _silenceDraft;
    private string? _userName;
    private int _ticks;
    // Changes pushed while the grid reads (null when not reading): applied after the read, so none is lost.
    private List<AlertChangedMessage>? _changesDuringRead;
    private PersistingComponentStateSubscription _persisting;

    /// <summary>The run whose alerts are shown; null shows every run's (with filters).</summary>
    [Parameter] public string? Run { get; set; }

    /// <summary>How many alerts are read, newest first.</summary>
    [Parameter] public int Limit { get; set; } = 1000;

    [Parameter] public bool ShowFilters { get; set; } = true;

    [Parameter] public string? State { get; set; }

    [Parameter] public string? Severity { get; set; }

    [Parameter] public string? Rule { get; set; }

    [Parameter] public string? FilterRun { get; set; }

    /// <summary>Raised when a filter changes, so the page can keep it in its URL.</summary>
    [Parameter] public EventCallback<AlertFilters> FiltersChanged { get; set; }

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    /// <summary>Resolving (and acknowledging, silencing) is an admin action, like the API it mirrors.</summary>
    private bool CanAct => AuthOptions.Value.IsNone || _mayAct;

    private List<AlertChangedMessage> Shown => _alerts
        .Where(a => string.IsNullOrEmpty(State) || a.State == State)
        .Where(a => string.IsNullOrEmpty(Severity) || a.Severity == Severity)
        .Where(a => string.IsNullOrEmpty(Rule) || a.Rule == Rule)
        .Where(a => string.IsNullOrEmpty(FilterRun) || a.Run == FilterRun)
        .OrderBy(a => AlertText.StateOrder(a.State)).ThenByDescending(a => a.StartedAt).ThenByDescending(a => a.Id)
        .ToList();

    protected override async Task OnInitializedAsync()
    {
        _now = Time.GetUtcNow();
        _notifier = Services.GetService<AlertNotifier>();
        var live = RendererInfo.IsInteractive && _notifier is not null;
        if (live)
        {
            // Subscribed before reading: a change that lands while the grid reads is applied after the read.
            _changesDuringRead = [];
            _notifier!.Changed += OnAlertChanged;
        }
        // Optional, like the notifier: component tests render the grid without a host's persistent state.
        var persistent = Services.GetService<PersistentComponentState>();
        if (persistent is not null && persistent.TryTakeFromJson<HandedGrid>(HandoffKey, out var handed) && handed is not null)
        {
            // The prerender's rows, so the circuit's first render shows them instead of an empty grid while it reads
            // (the rows blinked out and back on every page load); the read below then brings them up to date.
            _alerts = handed.Alerts;
            _silences = handed.Silences;
            _ = RefreshAsync();
        }
        else
        {
            await ReadAsync();
        }
        if (persistent is not null && !RendererInfo.IsInteractive)
        {
            _persisting = persistent.RegisterOnPersisting(() =>
            {
                persistent.PersistAsJson(HandoffKey, new HandedGrid(_alerts, _silences));
                return Task.CompletedTask;
            });
        }
        if (AuthState is not null)
        {
            var user = (await AuthState).User;
            _mayAct = user.IsInRole(AccessPolicy.RoleAdmin);
            _userName = user.Identity?.Name;
        }
        if (live)
        {
            _stop = new CancellationTokenSource();
            _tick = new PeriodicTimer(TimeSpan.FromSeconds(1), Time);
            _ = RenderLoopAsync(_stop.Token);
        }
    }

    /// <summary>One grid per page (the alerts page's, or a run page's).</summary>
    private string HandoffKey => $"alerts-grid:{Run}";

    /// <summary>Reads the newest alerts and the silences, then applies the changes pushed meanwhile, in their order.</summary>
    private async Task ReadAsync()
    {
        var read = await Store.GetAsync(Run, null, null, Limit);
        _alerts = read;
        if (_changesDuringRead is { } during)
        {
            _changesDuringRead = null;
            during.ForEach(Apply);
        }
        await LoadSilencesAsync();
    }

    private async Task RefreshAsync()
    {
        try
        {
            await InvokeAsync(async () =>
            {
                await ReadAsync();
                _dirty = true;
            });
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            // The page closed while it read.
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

    // Changes arrive on the evaluator's thread: apply them under the renderer's dispatcher, render on the next tick.
    private void OnAlertChanged(AlertChangedMessage alert)
    {
        if (Run is not null && alert.Run != Run)
        {
            return;
        }
        _ = InvokeAsync(() =>
        {
            _changesDuringRead?.Add(alert);
            Apply(alert);
            _dirty = true;
        });
    }

    /// <summary>Applies one change in place (a change the read already held leaves the same row).</summary>
    private void Apply(AlertChangedMessage alert)
    {
        var i = _alerts.FindIndex(a => a.Id == alert.Id);
        if (alert.State == AlertState.Inactive)
        {
            if (i >= 0)
            {
                _alerts.RemoveAt(i);
            }
        }
        else if (i >= 0)
        {
            _alerts[i] = alert;
        }
        else
        {
            _alerts.Insert(0, alert);
            if (_alerts.Count > Limit)
            {
                _alerts.RemoveAt(_alerts.Count - 1);
            }
        }
    }

    // One render a second at most; durations of open alerts move on with it.
    private async Task RenderLoopAsync(CancellationToken ct)
    {
        try
        {
            while (await _tick!.WaitForNextTickAsync(ct))
            {
                await InvokeAsync(async () =>
                {
                    // Silences end by themselves: re-read the few active ones now and then so marks follow.
                    if (++_ticks % SilenceRecheckTicks == 0 && _silences.Count > 0)
                    {
                        await LoadSilencesAsync();
                        _dirty = true;
                    }
                    var open = _alerts.Any(a => a.ResolvedAt is null);
                    if (_dirty || open)
                    {
                        _now = Time.GetUtcNow();
                        _dirty = false;
                        StateHasChanged();
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SetFilter(Action set)
    {
        set();
        await FiltersChanged.InvokeAsync(new AlertFilters(State, Severity, Rule, FilterRun));
    }

    private async Task ResolveAsync(AlertChangedMessage alert)
    {
        var resolved = await Store.ResolveExternalAsync(alert.Id, Timestamps.ToMicros(Time.GetUtcNow()));
        if (resolved is null)
        {
            Snackbar.Add("That alert is no longer open.", MudBlazor.Severity.Warning);
            return;
        }
        await Sink.OnAlertChangedAsync(new AlertChange(resolved, Notify: true));
        Snackbar.Add($"Alert {alert.Rule} resolved.", MudBlazor.Severity.Success);
    }

    /// <summary>Every this many render ticks (seconds) the silences are re-read, so an ended one unmarks its alerts.</summary>
    private const int SilenceRecheckTicks = 15;

    /// <summary>Active and pending silences, and each alert marked by the active ones (a resolved alert is never silenced).</summary>
    private async Task LoadSilencesAsync()
    {
        var now = Time.GetUtcNow();
        _silences = [.. (await Silences.GetAsync(null)).Where(s => s.StateAt(now) != Silence.Expired)];
        var active = new ActiveSilences(_silences, now);
        for (var i = 0; i < _alerts.Count; i++)
        {
            var a = _alerts[i];
            var silence = a.State == AlertState.Resolved ? null : active.For(a.Rule, a.Run, a.Severity);
            _alerts[i] = a with { Silenced = silence is not null, SilenceId = silence?.Id };
        }
    }

    private async Task ReloadSilencesAsync()
    {
        await LoadSilencesAsync();
        StateHasChanged();
    }

    private Silence? SilenceOf(AlertChangedMessage a) => a.SilenceId is { } id ? _silences.FirstOrDefault(s => s.Id == id) : null;

    /// <summary>Takes the alert: it stays firing and shown, marked acknowledged; an acknowledgement notifies nobody.</summary>
    private async Task AcknowledgeAsync(AlertChangedMessage alert)
    {
        var active = await Silences.GetActiveAsync();
        var acked = await Store.AcknowledgeAsync(alert.Id, _userName, null, Timestamps.ToMicros(Time.GetUtcNow()), active);
        if (acked is null)
        {
            Snackbar.Add("That alert no longer exists.", MudBlazor.Severity.Warning);
            return;
        }
        await Sink.OnAlertChangedAsync(new AlertChange(acked, Notify: false));
        Snackbar.Add($"Alert {alert.Rule} acknowledged.", MudBlazor.Severity.Success);
    }

    private static int SeverityOrder(string severity) => Array.IndexOf(AlertSeverity.All, severity) is var i and >= 0 ? -i : 1;

    public void Dispose()
    {
        if (_notifier is not null)
        {
            _notifier.Changed -= OnAlertChanged;
        }
        _stop?.Cancel();
        _tick?.Dispose();
        _stop?.Dispose();
        _persisting.Dispose();
    }

    /// <summary>What the prerender hands to the circuit's first render.</summary>
    private sealed record HandedGrid(List<AlertChangedMessage> Alerts, List<Silence> Silences);
}

/// <summary>The alerts grid's filters (empty = any).</summary>
public sealed record AlertFilters(string? State, string? Severity, string? Rule, string? Run);

/// <summary>Which alerts a person may act on from a page.</summary>
public static class AlertFeedActions
{
    /// <summary>Only external alerts are resolved by hand; rule alerts resolve themselves when their condition clears.</summary>
    public static bool IsResolvable(AlertChangedMessage a) =>
        a.State == AlertState.Firing && a.Rule.StartsWith(AlertStore.ExternalPrefix, StringComparison.Ordinal);
}
