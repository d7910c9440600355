using System.Net.Http.Json;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Demo;

/// <summary>
/// With --demo: posts simulated traffic through the real ingest API over HTTP, as an outside
/// generator would, starting with a few minutes of history so every chart has data at once.
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
        var address = StartupBanner.ListenAddress(services);
        if (address is null)
        {
            logger.LogWarning("Demo generator found no listening address; it is not running");
            return;
        }
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        foreach (var header in DemoAuth.Headers(services))
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }
        logger.LogInformation("Demo generator posting to {Address}", address);
        try
        {
            await BackfillAsync(http, stoppingToken);
            var interval = TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.EventsPerSecond));
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PostTickAsync(http, time.GetUtcNow(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

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

    private async Task BackfillAsync(HttpClient http, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var step = TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.EventsPerSecond));
        var conversations = new List<object>();
        var predictions = new List<object>();
        var pipelines = new List<object>();
        for (var t = now.AddMinutes(-options.Value.BackfillMinutes); t < now; t += step)
        {
            Collect(t, conversations, predictions, pipelines);
        }
        await PostAsync(http, DemoTraffic.ConversationRun, conversations, ct);
        await PostAsync(http, DemoTraffic.ClassifierRun, predictions, ct);
        await PostAsync(http, DemoTraffic.PipelineRun, pipelines, ct);
    }

    private async Task PostTickAsync(HttpClient http, DateTimeOffset t, CancellationToken ct)
    {
        var conversations = new List<object>();
        var predictions = new List<object>();
        var pipelines = new List<object>();
        Collect(t, conversations, predictions, pipelines);
        await PostAsync(http, DemoTraffic.ConversationRun, conversations, ct);
        await PostAsync(http, DemoTraffic.ClassifierRun, predictions, ct);
        if (pipelines.Count > 0)
        {
            await PostAsync(http, DemoTraffic.PipelineRun, pipelines, ct);
        }
    }

    private void Collect(DateTimeOffset t, List<object> conversations, List<object> predictions, List<object> pipelines)
    {
        conversations.Add(_traffic.Generation(t));
        if (Random.Shared.NextDouble() < 0.5)
        {
            conversations.Add(_traffic.Evaluation(t));
        }
        if (_traffic.Log(t) is { } log)
        {
            conversations.Add(log);
        }
        predictions.Add(_traffic.Prediction(t));
        predictions.Add(_traffic.Prediction(t));
        if (Random.Shared.NextDouble() < 0.1)
        {
            pipelines.Add(_traffic.Pipeline(t));
        }
    }

    private async Task PostAsync(HttpClient http, string run, List<object> events, CancellationToken ct)
    {
        for (var i = 0; i < events.Count; i += 5_000)
        {
            var body = new { run, project = "demo", events = events.Skip(i).Take(5_000) };
            try
            {
                using var response = await http.PostAsJsonAsync("/api/v1/ingest", body, ct);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Demo post to {Run} answered {Status}", run, (int)response.StatusCode);
                }
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning("Demo post to {Run} failed: {Message}", run, ex.Message);
            }
        }
    }
}

/// <summary>
/// Headers the demo generator sends. In Auth:Mode=Token the key store holds an in-memory ingest key
/// for the demo (never persisted, gone at exit), so --demo keeps authentication on.
/// </summary>
internal static class DemoAuth
{
    public static IEnumerable<KeyValuePair<string, string>> Headers(IServiceProvider services) =>
        services.GetService<Security.ApiKeyStore>()?.DemoKey is { } key
            ? [new(Security.ApiKeyAuthenticationHandler.HeaderName, key)]
            : [];
}
