using Dashboard.Storage;

namespace Dashboard.Tests.Storage;

public sealed class ChunkSizerTests
{
    [Fact]
    public void Observe_SlowChunks_HalveDownToTheMinimum()
    {
        var sizer = new ChunkSizer(256, 16, 5_000);

        for (var i = 0; i < 10; i++)
        {
            sizer.Observe(sizer.Size, ChunkSizer.Target * 3);
        }

        sizer.Size.Should().Be(16);
    }

    [Fact]
    public void Observe_QuickChunks_DoubleUpToTheMaximum()
    {
        var sizer = new ChunkSizer(256, 16, 5_000);

        sizer.Observe(256, TimeSpan.Zero);
        sizer.Size.Should().Be(512);
        for (var i = 0; i < 10; i++)
        {
            sizer.Observe(sizer.Size, TimeSpan.Zero);
        }

        sizer.Size.Should().Be(5_000);
    }

    [Fact]
    public void Observe_ChunkNearTarget_KeepsItsSize()
    {
        var sizer = new ChunkSizer(256, 16, 5_000);

        sizer.Observe(256, ChunkSizer.Target * 0.75);

        sizer.Size.Should().Be(256);
    }
}
