using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Runs;
using Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Security;

public sealed class LimitsAndRetentionTests
{
    [Fact]
    public async Task PostIngest_OverMaxRunsOrMetricNames_Answers409NamingTheField()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>
        {
            ["Ingest:MaxRuns"] = "2",
            ["Ingest:MaxMetricNamesPerRun"] = "3",
        });
        using var http = factory.CreateHttpClient();

        (await Post(http, "a", "m1", "m2")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(http, "b", "m1")).StatusCode.Should().Be(HttpStatusCode.OK);
        var thirdRun = await Post(http, "c", "m1");
        var fourthMetric = await Post(http, "a", "m3", "m4");
        (await Post(http, "a", "m3")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.DeleteAsync("/api/v1/runs/b")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Post(http, "c", "m1")).StatusCode.Should().Be(HttpStatusCode.OK, "a deleted run frees its place");

        thirdRun.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Json.ReadAsync(thirdRun)).GetProperty("field").GetString().Should().Be("run");
        fourthMetric.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await Json.ReadAsync(fourthMetric);
        problem.GetProperty("field").GetString().Should().Be("events");
        problem.GetProperty("detail").GetString().Should().Contain("MaxMetricNamesPerRun");
    }

    [Fact]
    public async Task RetentionSweep_RemovesOldPointsAndRuns_KeepsRecent()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddDays(-3));
        await using var factory = new DashboardFactory(
            settings: new Dictionary<string, string?> { ["Storage:RetentionDays"] = "1" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        using var http = factory.CreateHttpClient();
        (await Post(http, "stale", "m")).StatusCode.Should().Be(HttpStatusCode.OK);
        clock.Now = DateTimeOffset.UtcNow;
        var old = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds();
        (await http.PostAsync("/api/v1/ingest", Json.Content(new { run = "fresh", events = new object[]
        {
            new { type = "metric", id = "old", name = "m", value = 1, timestamp = old },
            new { type = "metric", id = "new", name = "m", value = 2 },
        } }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var (points, _, runs) = factory.Services.GetRequiredService<RunMaintenance>().Sweep();

        points.Should().Be(2, "the stale run's point and the fresh run's two-day-old point");
        runs.Should().Be(1);
        (await http.GetAsync("/api/v1/runs/stale/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var stats = await Json.GetAsync(http, "/api/v1/runs/fresh/stats?name=m&window=all");
        stats.GetProperty("count").GetInt64().Should().Be(1);
        DashboardProcess.StoredEventIds(factory.DatabasePath).Should().BeEquivalentTo(["old", "new"], "event ids of kept runs stay for dedup");
        var csv = await http.GetStringAsync("/api/v1/runs/fresh/export?format=csv-long");
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2, "a header and the one kept point");
        using var export = await http.GetAsync("/api/v1/runs/fresh/export?format=csv-long");
        export.Headers.GetValues("X-Export-Points").Should().ContainSingle().Which.Should().Be("1", "export counts are recounted after the sweep");
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string run, params string[] metrics) =>
        http.PostAsync("/api/v1/ingest", Json.Content(new { run, events = metrics.Select(m => new { type = "metric", name = m, value = 1 }) }));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
