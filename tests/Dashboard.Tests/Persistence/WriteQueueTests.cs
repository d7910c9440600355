using Dashboard.Ingest;
using Dashboard.Persistence;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Persistence;

public sealed class WriteQueueTests
{
    private static WriteQueue Queue(int capacity = 100, long points = 500_000) =>
        new(Options.Create(new IngestOptions { QueueCapacity = capacity, QueuePoints = points, MaxBatchPoints = 50_000 }));

    private static PendingWrite Write(string source, int points)
    {
        var e = new ExpandedEvent { Id = null, Timestamp = 1, Type = "metric" };
        for (var i = 0; i < points; i++)
        {
            e.Points.Add(new MetricPoint("m", 1, i, null, null));
        }
        return new PendingWrite("r", "default", [e], 1) { Source = source };
    }

    private static List<string> Drain(WriteQueue queue)
    {
        var order = new List<string>();
        while (queue.TryRead(out var w))
        {
            order.Add(w.Source + ":" + w.PointCount);
        }
        return order;
    }

    [Fact]
    public void TryRead_FloodingSourceThenSingleEvent_SingleEventServedAfterOneTurn()
    {
        var queue = Queue();
        for (var i = 0; i < 8; i++)
        {
            queue.TryEnqueue(Write("flood", 5_000)).Should().BeTrue();
        }
        queue.TryEnqueue(Write("quiet", 1)).Should().BeTrue();

        var order = Drain(queue);

        order.Should().HaveCount(9);
        order.IndexOf("quiet:1").Should().Be(1, "the quiet key waits for one turn of the flooding key, not its whole backlog");
    }

    [Fact]
    public void TryEnqueue_PointsPastTheBound_RefusedUntilTheWriterTakesSome()
    {
        var queue = Queue(points: 10_000);
        queue.TryEnqueue(Write("a", 6_000)).Should().BeTrue();
        queue.TryEnqueue(Write("b", 4_000)).Should().BeTrue("exactly at the bound");
        queue.TryEnqueue(Write("c", 1)).Should().BeFalse("one point more than the bound waits");
        queue.Points.Should().Be(10_000);
        queue.Count.Should().Be(2);

        queue.TryRead(out var taken).Should().BeTrue();
        taken.PointCount.Should().Be(6_000);
        queue.Points.Should().Be(4_000);
        queue.TryEnqueue(Write("c", 1)).Should().BeTrue();
    }

    [Fact]
    public void TryEnqueue_OneRequestLargerThanTheBound_TakenWhenNothingWaits()
    {
        var queue = Queue(points: 100);

        queue.TryEnqueue(Write("a", 500)).Should().BeTrue("a request within the body limits is never refused by an empty queue");
        queue.TryEnqueue(Write("b", 1)).Should().BeFalse();
        Drain(queue).Should().Equal("a:500");
        queue.Points.Should().Be(0);
    }

    [Fact]
    public void TryRead_ManySmallWritesOfOneSource_TakenWithinItsQuantumBeforeTheNextSource()
    {
        var queue = Queue();
        for (var i = 0; i < 3; i++)
        {
            queue.TryEnqueue(Write("a", 10));
        }
        queue.TryEnqueue(Write("b", 10));

        Drain(queue).Should().Equal("a:10", "a:10", "a:10", "b:10");
    }

    [Fact]
    public void TryEnqueue_AtCapacity_RefusesUntilARead()
    {
        var queue = Queue(capacity: 2);
        queue.TryEnqueue(Write("a", 1)).Should().BeTrue();
        queue.TryEnqueue(Write("b", 1)).Should().BeTrue();

        queue.TryEnqueue(Write("c", 1)).Should().BeFalse();
        queue.TryRead(out _).Should().BeTrue();
        queue.TryEnqueue(Write("c", 1)).Should().BeTrue();
        queue.Count.Should().Be(2);
    }

    [Fact]
    public async Task WaitToReadAsync_ClosedAndDrained_ReturnsFalse()
    {
        var queue = Queue();
        queue.TryEnqueue(Write("a", 1));
        queue.Close();

        (await queue.WaitToReadAsync()).Should().BeTrue();
        queue.TryRead(out _).Should().BeTrue();
        (await queue.WaitToReadAsync()).Should().BeFalse();
        queue.TryEnqueue(Write("a", 1)).Should().BeFalse();
    }
}
