using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Dashboard.Live;

/// <summary>Every push interval, sends what was committed since the last one to the subscribed groups.</summary>
public sealed class LivePushService(
    LivePublisher publisher,
    IHubContext<MetricsHub, IMetricsClient> hub,
    IOptions<LiveOptions> options,
    TimeProvider time,
    ILogger<LivePushService> logger) : BackgroundService
{
    // A chatty run keeps only the newest log lines per push; the page shows the last few anyway.
    private const int MaxLogsPerPush = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PushIntervalMilliseconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task PushAsync()
    {
        var runs = publisher.TakeAll();
        if (runs.Count == 0)
        {
            return;
        }
        var changes = new List<RunChange>(runs.Count);
        foreach (var run in runs)
        {
            try
            {
                await PushRunAsync(run);
            }
            catch (Exception ex)
            {
                // A broken connection must not stop pushes to everyone else.
                logger.LogWarning(ex, "Live push for run {Run} failed", run.Run);
            }
            var generations = run.Metrics.GetValueOrDefault("success_rate");
            changes.Add(new RunChange(run.Run, run.Project, run.Created, run.Events,
                generations?.Count ?? 0, generations?.Sum ?? 0,
                run.Metrics.GetValueOrDefault("total_token_count")?.Sum ?? 0, time.GetUtcNow()));
        }
        try
        {
            await hub.Clients.Group(MetricsHub.OverviewGroup).RunsChanged(new RunsChangedMessage(changes));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Live push to the overview failed");
        }
    }

    private async Task PushRunAsync(LivePublisher.PendingRun run)
    {
        var group = hub.Clients.Group(MetricsHub.RunGroup(run.Run));
        var metrics = run.Metrics
            .Select(m => new MetricUpdate(m.Key, m.Value.Count, m.Value.Sum, m.Value.Min, m.Value.Max, m.Value.Last,
                Timestamps.FromMicros(m.Value.LastTimestamp)))
            .ToList();
        await group.MetricsAppended(new MetricsAppendedMessage(run.Run, run.Events, metrics));
        if (run.Logs.Count > 0)
        {
            var logs = run.Logs.Skip(Math.Max(0, run.Logs.Count - MaxLogsPerPush))
                .Select(l => new LogLine(Timestamps.FromMicros(l.Timestamp), l.Level, l.Message, l.DataJson))
                .ToList();
            await group.LogsAppended(new LogsAppendedMessage(run.Run, logs));
        }
    }
}
