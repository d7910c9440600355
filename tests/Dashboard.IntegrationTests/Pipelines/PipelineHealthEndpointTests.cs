using System.Net;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Pipelines;

public sealed class PipelineHealthEndpointTests
{
    private const string Xss = "<img src=x onerror=alert(1)>";

    private static object Execution(string pipeline, double time, bool success) =>
        new { type = "pipeline_execution", pipeline, execution_time = time, success };

    [Fact]
    public async Task GetHealth_AcrossRuns_ReturnsExactFiguresAndWorstOverall()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "a", Execution("etl", 2, true), Execution("etl", 4, true), Execution("etl", 6, false),
            Execution("train", 10, false))).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(http, "b", Execution("etl", 8, true), Execution("train", 30, false),
            Execution("embed", 1, true), Execution("embed", 1, true), Execution("embed", 1, true), Execution("embed", 1, true),
            Execution("embed", 2, false))).EnsureSuccessStatusCode();

        var h = await Json.GetAsync(http, "/api/v1/pipelines/health");

        h.GetRawText().Should().Be(
            """{"overall":"critical","pipelines":[""" +
            """{"pipeline":"embed","executions":5,"success_rate":0.8,"error_rate":0.19999999999999996,"mean_execution_time":1.2,"min_execution_time":1,"max_execution_time":2,"health":"healthy"},""" +
            """{"pipeline":"etl","executions":4,"success_rate":0.75,"error_rate":0.25,"mean_execution_time":5,"min_execution_time":2,"max_execution_time":8,"health":"degraded"},""" +
            """{"pipeline":"train","executions":2,"success_rate":0,"error_rate":1,"mean_execution_time":20,"min_execution_time":10,"max_execution_time":30,"health":"critical"}],"more":0}""");
    }

    [Fact]
    public async Task GetHealth_FilteredByRunAndProject_OnlyThoseRuns()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await http.PostAsync("/api/v1/ingest", Json.Content(new { run = "a", project = "p1", events = new[] { Execution("etl", 2, true) } }))).EnsureSuccessStatusCode();
        (await http.PostAsync("/api/v1/ingest", Json.Content(new { run = "b", project = "p2", events = new[] { Execution("etl", 4, false), Execution(Xss, 1, true) } }))).EnsureSuccessStatusCode();

        var byRun = await Json.GetAsync(http, "/api/v1/pipelines/health?run=a");
        var byProject = await Json.GetAsync(http, "/api/v1/pipelines/health?project=p2&window=24h");
        var noProject = await Json.GetAsync(http, "/api/v1/pipelines/health?project=none");

        byRun.GetProperty("overall").GetString().Should().Be("healthy");
        byRun.GetProperty("pipelines").EnumerateArray().Select(p => p.GetProperty("executions").GetInt32()).Should().Equal(1);
        byProject.GetProperty("overall").GetString().Should().Be("critical");
        byProject.GetProperty("pipelines").EnumerateArray().Select(p => p.GetProperty("pipeline").GetString()).Should().Equal(Xss, "etl");
        noProject.GetRawText().Should().Be("""{"overall":"unknown","pipelines":[],"more":0}""");
    }

    [Fact]
    public async Task GetHealth_WindowOfFiveMinutes_LeavesOutOlderExecutions()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var old = new { type = "pipeline_execution", timestamp = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"), pipeline = "etl", execution_time = 9, success = false };
        (await Json.PostIngestAsync(http, "a", old, Execution("etl", 1, true))).EnsureSuccessStatusCode();

        var recent = await Json.GetAsync(http, "/api/v1/pipelines/health?window=5m");

        recent.GetProperty("pipelines")[0].GetProperty("executions").GetInt32().Should().Be(1);
        recent.GetProperty("overall").GetString().Should().Be("healthy");
    }

    [Theory]
    [InlineData("/api/v1/pipelines/health?window=bogus", HttpStatusCode.BadRequest, "window")]
    [InlineData("/api/v1/pipelines/health?run=missing", HttpStatusCode.NotFound, "run")]
    public async Task GetHealth_BadParameter_ReturnsProblemNamingIt(string url, HttpStatusCode status, string field)
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var response = await http.GetAsync(url);

        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }

    [Fact]
    public async Task PipelinesPage_XssPipelineName_IsEncodedText()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "a", Execution(Xss, 1, true))).EnsureSuccessStatusCode();

        var html = await http.GetStringAsync("/pipelines");

        html.Should().NotContain("<img src=x");
        html.Should().Contain("&lt;img src=x onerror=alert(1)&gt;");
    }
}
