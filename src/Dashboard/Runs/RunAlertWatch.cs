using Dashboard.Alerts;
using Dashboard.Components.Charts;
using Dashboard.Live;

namespace Dashboard.Runs;

/// <summary>
/// A run page's alerts for its chart bands: read once when the page opens, then kept current from the notifier's
/// in-process changes (no re-read). Changes arrive on the evaluator's thread and are applied through the page's
/// dispatcher, so the list never changes while the page renders.
/// </summary>
public sealed class RunAlertWatch : IDisposable
{
    public const int Limit = 200;

    private readonly string _run;
    private readonly AlertNotifier? _notifier;
    private readonly Func<Action, Task> _dispatch;
    private readonly List<AlertChangedMessage> _alerts;
    private readonly IReadOnlyList<CustomRule> _customRules;

    private RunAlertWatch(string run, List<AlertChangedMessage> alerts, IReadOnlyList<CustomRule> customRules,
        AlertNotifier? notifier, Func<Action, Task> dispatch)
    {
        (_run, _alerts, _customRules, _notifier, _dispatch) = (run, alerts, customRules, notifier, dispatch);
        if (_notifier is not null)
        {
            _notifier.Changed += OnChanged;
        }
    }

    /// <summary>Raised on the page's dispatcher after an alert of this run changed.</summary>
    public event Action? Changed;

    /// <summary>
    /// Reads the run's alerts and the custom rules (their metrics); with a notifier (an interactive page, not the
    /// prerender) follows changes too, applied through <paramref name="dispatch"/> (the page's InvokeAsync).
    /// </summary>
    public static async Task<RunAlertWatch> StartAsync(string run, AlertStore store, AlertSettingsStore settings,
        AlertNotifier? notifier, Func<Action, Task> dispatch, CancellationToken ct = default)
    {
        var alerts = await store.GetAsync(run, null, null, Limit, ct);
        var rules = (await settings.GetAsync(ct)).CustomRules;
        return new RunAlertWatch(run, alerts, rules, notifier, dispatch);
    }

    public Dictionary<string, List<ChartBand>> Bands(DateTimeOffset now) => RunAlertBands.ByMetric(_alerts, _customRules, now);

    private void OnChanged(AlertChangedMessage alert)
    {
        if (alert.Run != _run)
        {
            return;
        }
        _ = _dispatch(() =>
        {
            _alerts.RemoveAll(a => a.Id == alert.Id);
            if (alert.State != AlertState.Inactive)
            {
                _alerts.Insert(0, alert);
            }
            Changed?.Invoke();
        });
    }

    public void Dispose()
    {
        if (_notifier is not null)
        {
            _notifier.Changed -= OnChanged;
        }
    }
}
