using Dashboard.Cluster;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Live;

/// <summary>
/// Live pages across instances: what this instance commits is gathered for a short while and sent to the
/// others as compact summaries over the cluster bus (<see cref="LiveRelayCodec"/>); what they send goes to this
/// instance's live sinks only (<see cref="LivePublisher"/> for the hub, <see cref="PageFeed"/> for pages), never to
/// the writer's other sinks (/metrics counts per instance), so its pages and hub clients see every instance's commits.
/// Relaying is best effort, like the push itself: a summary lost while PostgreSQL is unreachable is not
/// re-sent (the data is stored; a page that reloads shows it).
/// </summary>
public sealed class LivePeerRelay : BackgroundService, ICommittedBatchSink
{
    public const string Kind = "live";

    private readonly LivePublisher _outgoing = new();
    private readonly ClusterBus _bus;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<LivePeerRelay> _logger;
    private bool _failing;

    public LivePeerRelay(LivePublisher publisher, PageFeed pages, ClusterBus bus, IOptions<LiveOptions> options, TimeProvider time,
        ILogger<LivePeerRelay> logger)
    {
        _bus = bus;
        _time = time;
        _logger = logger;
        // Half the push interval, so a relayed commit reaches the other instance's next push most of the time.
        _interval = TimeSpan.FromMilliseconds(Math.Max(25, options.Value.PushIntervalMilliseconds / 2));
        bus.On(Kind, body =>
        {
            var batch = LiveRelayCodec.Decode(body);
            publisher.Publish(batch);
            pages.Publish(batch);
        });
    }

    /// <summary>A batch this instance's writer committed: gathered until the next relay.</summary>
    public void Publish(CommittedBatch batch) => _outgoing.Publish(batch);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RelayAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RelayAsync(CancellationToken ct)
    {
        var runs = _outgoing.TakeAll();
        if (runs.Count == 0)
        {
            return;
        }
        try
        {
            foreach (var body in LiveRelayCodec.Encode(runs, _bus.BodyBudget(Kind)))
            {
                await _bus.PublishAsync(Kind, body, ct);
            }
            if (_failing)
            {
                _failing = false;
                _logger.LogInformation("Live updates reach the other instances again");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_failing)
            {
                _failing = true;
                _logger.LogWarning(ex, "Relaying live updates to the other instances failed; their pages miss these until reloaded");
            }
        }
    }
}
