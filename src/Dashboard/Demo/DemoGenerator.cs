using Dashboard.Client;
using Microsoft.Extensions.Options;

namespace Dashboard.Demo;

/// <summary>
/// With --demo: sends simulated traffic through the real ingest API with the .NET client library
/// (<see cref="DashboardClient"/>), as an outside generator would, starting with a few minutes of
/// history so every chart has data at once.
/// </summary>
public sealed class DemoGenerator(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoGenerator> logger) : BackgroundService
{
    private readonly DemoTraffic _traffic = new(seed: 42);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }
        var address = ServerAddresses.ListenAddress(services);
        if (address is null)
        {
            logger.LogWarning("Demo generator found no listening address; it is not running");
            return;
        }
        var interval = TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.EventsPerSecond));
        await using var conversations = NewClient(address, DemoTraffic.ConversationRun, interval);
        await using var predictions = NewClient(address, DemoTraffic.ClassifierRun, interval);
        await using var pipelines = NewClient(address, DemoTraffic.PipelineRun, interval);
        var runs = new DemoRuns(conversations, predictions, pipelines);
        logger.LogInformation("Demo generator posting to {Address}", address);
        try
        {
            await BackfillAsync(runs, interval, stoppingToken);
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CollectAsync(time.GetUtcNow(), runs, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed record DemoRuns(DashboardClient Conversations, DashboardClient Predictions, DashboardClient Pipelines);

    private DashboardClient NewClient(string address, string run, TimeSpan interval) =>
        new(new DashboardClientOptions
        {
            BaseAddress = new Uri(address),
            Run = run,
            Project = "demo",
            ApiKey = DemoAuth.Key(services),
            // One batch per tick, as before the client existed, so pages move as often as the demo ticks.
            FlushInterval = interval,
            BatchSize = 5_000,
            // Stopping the host should not wait long for a demo.
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        }, logger, timeProvider: time);

    private async Task<bool> WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        using var cancel = ct.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task BackfillAsync(DemoRuns runs, TimeSpan step, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        for (var t = now.AddMinutes(-options.Value.BackfillMinutes); t < now; t += step)
        {
            await CollectAsync(t, runs, ct);
        }
        await Task.WhenAll(runs.Conversations.FlushAsync(ct), runs.Predictions.FlushAsync(ct), runs.Pipelines.FlushAsync(ct));
    }

    private async Task CollectAsync(DateTimeOffset t, DemoRuns runs, CancellationToken ct)
    {
        await runs.Conversations.TrackGenerationAsync(_traffic.Generation(t), ct);
        if (Random.Shared.NextDouble() < 0.5)
        {
            await runs.Conversations.TrackEvaluationAsync(_traffic.Evaluation(t), ct);
        }
        if (_traffic.Log(t) is { } log)
        {
            await runs.Conversations.EnqueueAsync(log, ct);
        }
        await runs.Predictions.EnqueueAsync(_traffic.Prediction(t), ct);
        await runs.Predictions.EnqueueAsync(_traffic.Prediction(t), ct);
        if (Random.Shared.NextDouble() < 0.1)
        {
            await runs.Pipelines.TrackPipelineExecutionAsync(_traffic.Pipeline(t), ct);
        }
    }
}

/// <summary>
/// The key the demo generator sends. In Auth:Mode=Token the key store holds an in-memory ingest key
/// for the demo (never persisted, gone at exit), so --demo keeps authentication on.
/// </summary>
internal static class DemoAuth
{
    public static string? Key(IServiceProvider services) => services.GetService<Security.ApiKeyStore>()?.DemoKey;
}
