using Dashboard.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Tests.Hosting;

/// <summary>The opt-in runtime sampler: off unless configured; when on, one line a second with the timed hot paths.</summary>
public sealed class RuntimeSamplerTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void WalPath_SqliteFile_FileWithWalSuffix()
    {
        RuntimeSampler.WalPath(Config(("ConnectionStrings:Dashboard", "Data Source=/data/dashboard.db;Cache=Shared")))
            .Should().Be("/data/dashboard.db-wal");
    }

    [Fact]
    public void WalPath_PostgresOrInMemory_Null()
    {
        RuntimeSampler.WalPath(Config(("Storage:Provider", "PostgreSQL"), ("ConnectionStrings:Dashboard", "Host=db;Database=d"))).Should().BeNull();
        RuntimeSampler.WalPath(Config(("ConnectionStrings:Dashboard", "Data Source=:memory:"))).Should().BeNull();
    }

    [Fact]
    public async Task ExecuteAsync_SampleFileSet_AppendsLinesWithTimedPaths()
    {
        var file = Path.Combine(Path.GetTempPath(), $"runtime-samples-{Guid.NewGuid():N}.txt");
        using var sampler = new RuntimeSampler(Config(("Diagnostics:RuntimeSampleFile", file)), NullLogger<RuntimeSampler>.Instance);
        try
        {
            await sampler.StartAsync(CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Timed until a line names it: the sampler may take one sample before this first Add.
            while (!File.Exists(file) || !File.ReadAllText(file).Contains("PageLoad n ", StringComparison.Ordinal))
            {
                timeout.IsCancellationRequested.Should().BeFalse("a sample line with the timed page load within 30 s");
                RuntimeTimings.Add(RuntimeTimings.Kind.PageLoad, RuntimeTimings.Start());
                Thread.Sleep(50);
            }
            await sampler.StopAsync(CancellationToken.None);

            var line = File.ReadAllLines(file).First(l => l.Contains("PageLoad n ", StringComparison.Ordinal));
            line.Should().Contain("poolwait ").And.Contain(" gc ").And.Contain(" rss ");
            RuntimeTimings.Enabled.Should().BeFalse("a stopped sampler leaves the hot paths untimed");
            RuntimeTimings.Start().Should().Be(0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ThreadCpu_SamplerOn_SpinIsCountedAsTimeOnACore()
    {
        var file = Path.Combine(Path.GetTempPath(), $"runtime-samples-{Guid.NewGuid():N}.txt");
        using var sampler = new RuntimeSampler(Config(("Diagnostics:RuntimeSampleFile", file)), NullLogger<RuntimeSampler>.Instance);
        try
        {
            await sampler.StartAsync(CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = null;
            while ((line = File.Exists(file) ? File.ReadAllLines(file).FirstOrDefault(l => l.Contains("WriteCpu n ", StringComparison.Ordinal)) : null) is null)
            {
                timeout.IsCancellationRequested.Should().BeFalse("a sample line with the timed thread CPU within 30 s");
                var started = RuntimeTimings.ThreadCpu();
                var spin = System.Diagnostics.Stopwatch.StartNew();
                while (spin.ElapsedMilliseconds < 30)
                {
                }
                RuntimeTimings.AddThreadCpu(RuntimeTimings.Kind.WriteCpu, RuntimeTimings.Kind.WriteRunQueue, started);
            }
            await sampler.StopAsync(CancellationToken.None);

            // "WriteCpu n 3 sum 85 max 30ms": a 30 ms spin is mostly time on a core (the rest, if any, run-queue wait).
            var max = double.Parse(line.Split("WriteCpu n ")[1].Split(" max ")[1].Split("ms")[0], System.Globalization.CultureInfo.InvariantCulture);
            max.Should().BeGreaterThan(5, line);
            line.Should().Contain("WriteRunQueue n ");
            RuntimeTimings.ThreadCpu().Should().Be((0, 0), "a stopped sampler reads no thread times");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ExecuteAsync_NotConfigured_TimingsStayOff()
    {
        using var sampler = new RuntimeSampler(Config(), NullLogger<RuntimeSampler>.Instance);
        await sampler.StartAsync(CancellationToken.None);
        await (sampler.ExecuteTask ?? Task.CompletedTask);

        RuntimeTimings.Enabled.Should().BeFalse();
        await sampler.StopAsync(CancellationToken.None);
    }
}
