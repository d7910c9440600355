
namespace Dashboard.Alerts;

/// <summary>Receives every alert change after it is stored: pushes to browsers and queues webhooks.</summary>
public interface IAlertSink
{
    ValueTask OnAlertChangedAsync(AlertChange change);

    /// <summary>
    /// One evaluation's changes together. Webhooks must see them as one unit: a fire or resolve of the failure-share pair
    /// comes as two changes, and a group falling due between them went out half-updated (one alert resolved, its pair
    /// still shown firing, and the resolve's notification led by the wrong alert).
    /// </summary>
    async ValueTask OnAlertsChangedAsync(IReadOnlyList<AlertChange> changes)
    {
        foreach (var change in changes)
        {
            await OnAlertChangedAsync(change);
        }
    }
}

/// <summary>One evaluation: current settings, committed data, state transitions, then the sink.</summary>
public sealed class AlertEvaluator(
    AlertSettingsStore settings, AlertQueries queries, AlertStore store, SilenceStore silenceStore, IBudgetSource budgets,
    IAlertSink sink, TimeProvider time)
{
    /// <summary>The one entry point of an evaluation (a cluster lease wraps this call).</summary>
    public async Task<List<AlertChange>> EvaluateAsync(CancellationToken ct = default)
    {
        var current = await settings.GetAsync(ct);
        var now = Timestamps.ToMicros(time.GetUtcNow());
        var conditions = queries.Collect(current, now);
        conditions.AddRange(await BudgetConditions.CollectAsync(current, budgets, now, ct));
        var silences = await silenceStore.GetActiveAsync(ct);
        var changes = await store.ApplyAsync(conditions, now, current.KeepFiringForSeconds, silences, ct);
        if (changes.Count > 0)
        {
            await sink.OnAlertsChangedAsync(changes);
        }
        return changes;
    }
}

/// <summary>
/// Evaluates every Alerts:IntervalSeconds (or the interval saved in settings, picked up without restart), on the
/// instance holding the alert lease only (Cluster/), so each rule is evaluated once however many instances run.
/// </summary>
public sealed class AlertEvaluationService(
    AlertEvaluator evaluator, AlertSettingsStore settings, Cluster.ILeadership leadership, TimeProvider time,
    ILogger<AlertEvaluationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds((await settings.GetAsync(stoppingToken)).IntervalSeconds);
        using var timer = new PeriodicTimer(interval, time);
        // A saved interval applies at once (the timer restarts from the save), not after the old period runs out.
        void OnChanged() => _ = Task.Run(async () =>
        {
            try
            {
                var saved = TimeSpan.FromSeconds((await settings.GetAsync(stoppingToken)).IntervalSeconds);
                if (saved != timer.Period)
                {
                    timer.Period = saved;
                    logger.LogInformation("Alert evaluation interval is now {Seconds}s", saved.TotalSeconds);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
            }
        }, stoppingToken);
        settings.Changed += OnChanged;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!leadership.IsLeader)
                    {
                        continue;
                    }
                    await evaluator.EvaluateAsync(stoppingToken);
                    var saved = TimeSpan.FromSeconds((await settings.GetAsync(stoppingToken)).IntervalSeconds);
                    if (saved != timer.Period)
                    {
                        timer.Period = saved;
                        logger.LogInformation("Alert evaluation interval is now {Seconds}s", saved.TotalSeconds);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed evaluation (a locked file, a bad row) must not stop the next one.
                    logger.LogError(ex, "Alert evaluation failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            settings.Changed -= OnChanged;
        }
    }
}
