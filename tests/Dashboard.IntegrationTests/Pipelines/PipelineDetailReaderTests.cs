using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Pipelines;

/// <summary>The pipelines page's reads against a real store: timeline buckets, last status and p95, failures with metadata.</summary>
public sealed class PipelineDetailReaderTests : HostedTest
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(-30);

    private static object Execution(string pipeline, double time, bool success, int minute, string? error = null) => error is null
        ? new { type = "pipeline_execution", pipeline, execution_time = time, success, timestamp = Start.AddMinutes(minute).ToString("O") }
        : new { type = "pipeline_execution", pipeline, execution_time = time, success, timestamp = Start.AddMinutes(minute).ToString("O"), metadata = new { error } };

    protected override async Task SeedAsync()
    {
        (await Json.PostIngestAsync(Http, "etl-run",
            Execution("etl", 1, true, 0), Execution("etl", 2, false, 1, "disk full"), Execution("etl", 3, true, 10),
            Execution("load", 9, false, 11, "timeout"))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(Http, "other-run", Execution("etl", 100, false, 12))).EnsureSuccessStatusCode();
    }

    private IPipelineDetailReader Reader => Factory.Services.GetRequiredService<IPipelineDetailReader>();

    private static long Micros(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1000;

    [Fact]
    public void GetTimeline_TenMinuteBuckets_SucceededAndFailedCounted()
    {
        var buckets = Reader.GetTimeline(Micros(Start), Micros(Start.AddHours(1)), 600_000_000, null, null);

        buckets.Select(b => (b.Succeeded, b.Failed)).Should().Equal((1, 1), (1, 2));
        buckets[1].T.Should().Be(Micros(Start) + 600_000_000);
    }

    [Fact]
    public void GetLatest_PerPipeline_LastStatusRunAndP95()
    {
        var latest = Reader.GetLatest(Micros(Start), null, null, 1000).ToDictionary(l => l.Pipeline);
        var oneRun = Reader.GetLatest(Micros(Start), "etl-run", null, 1000).ToDictionary(l => l.Pipeline);

        latest["etl"].LastSucceeded.Should().BeFalse();
        latest["etl"].LastRun.Should().Be("other-run");
        latest["etl"].Sampled.Should().Be(4);
        latest["load"].P95Seconds.Should().Be(9);
        oneRun["etl"].LastSucceeded.Should().BeTrue();
        oneRun["etl"].Sampled.Should().Be(3);
    }

    [Fact]
    public void GetFailures_NewestFirst_WithExecutionTimeAndMetadata()
    {
        var failures = Reader.GetFailures(Micros(Start), "etl-run", null, 10);

        failures.Select(f => f.Pipeline).Should().Equal("load", "etl");
        failures[0].ExecutionSeconds.Should().Be(9);
        failures[0].Metadata.Should().Contain("timeout");
        failures[1].Run.Should().Be("etl-run");
    }
}
