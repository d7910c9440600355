using System.Threading.Channels;

namespace Dashboard.Alerts;

/// <summary>
/// One target's own bounded queue and its own worker, delivering in order. A target that hangs or fails
/// only ever holds up its own queue: every other target keeps being served by its own worker.
/// </summary>
internal sealed class WebhookTargetQueue
{
    private readonly Channel<AlertNotification> _queue;

    public WebhookTargetQueue(string url, IWebhookFormat format, int capacity,
        Func<string, IWebhookFormat, AlertNotification, CancellationToken, Task> deliver, CancellationToken stopping)
    {
        Url = url;
        Format = format;
        _queue = Channel.CreateBounded<AlertNotification>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        Worker = Task.Run(async () =>
        {
            try
            {
                await foreach (var notification in _queue.Reader.ReadAllAsync(stopping))
                {
                    await deliver(Url, Format, notification, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    public string Url { get; }

    public IWebhookFormat Format { get; }

    public Task Worker { get; }

    /// <summary>False when the target's queue is full (the target is far behind): the caller records the drop.</summary>
    public bool TryEnqueue(AlertNotification notification) => _queue.Writer.TryWrite(notification);

    public void Complete() => _queue.Writer.TryComplete();
}
