using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>
/// Re-sends every firing alert to each Alertmanager target every Alerts:AlertmanagerResendSeconds, as
/// Prometheus does: Alertmanager treats an alert not heard of before its endsAt as resolved, so a
/// long incident must be repeated, and one lost POST (Alertmanager restarting) heals at the next round.
/// </summary>
public sealed class AlertmanagerResender(
    ActiveAlerts active, AlertSettingsStore settings, AlertmanagerClient alertmanager,
    IOptions<AlertsOptions> options, TimeProvider time, ILogger<AlertmanagerResender> logger) : BackgroundService
{
    /// <summary>Most firing alerts sent per round; Alertmanager takes them in one POST.</summary>
    public const int MaxAlertsPerRound = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AlertmanagerResendSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var targets = (await settings.GetAsync(stoppingToken)).Webhooks
                        .Where(w => w.Enabled && w.Format == AlertmanagerPayload.Format).ToList();
                    if (targets.Count > 0)
                    {
                        await alertmanager.ResendAsync(targets, async ct =>
                            (await active.GetAsync(MaxAlertsPerRound, ct)).Alerts.Where(a => a.State == AlertState.Firing).ToList(), stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A locked file or a bad settings row must not stop the next round.
                    logger.LogError(ex, "Re-sending firing alerts to Alertmanager failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
