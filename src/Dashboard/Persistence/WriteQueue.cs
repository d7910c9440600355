using System.Threading.Channels;
using Dashboard.Ingest;
using Microsoft.Extensions.Options;

namespace Dashboard.Persistence;

/// <summary>
/// The bounded hand-off between ingest requests and the single writer. A full queue refuses at
/// once (the endpoint answers 503 with Retry-After) instead of dropping or waiting without bound.
/// </summary>
public sealed class WriteQueue
{
    private readonly Channel<PendingWrite> _channel;

    public WriteQueue(IOptions<IngestOptions> options)
    {
        _channel = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<PendingWrite> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    /// <summary>False when the queue is full or closed for shutdown.</summary>
    public bool TryEnqueue(PendingWrite write) => _channel.Writer.TryWrite(write);

    /// <summary>Takes no more writes; the writer drains what is queued and stops.</summary>
    public void Close() => _channel.Writer.TryComplete();
}
