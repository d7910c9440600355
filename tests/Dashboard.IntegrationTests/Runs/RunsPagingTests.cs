using System.Net;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Runs;

/// <summary>GET /api/v1/runs and /api/v1/overview stay bounded: limit/offset paging in activity order, server search, total header.
/// (The runs page's own paging is in RunsList/RunsListBrowserTests and RunListReaderTests.)</summary>
public sealed class RunsPagingTests : HostedTest
{
    private const int RunCount = 8;

    protected override async Task SeedAsync()
    {
        // One event per run, one after another: run-00 is the least recently active, so it falls beyond the limit.
        for (var i = 0; i < RunCount; i++)
        {
            using var response = await Json.PostIngestAsync(Http, $"paged-{i:00}", new { type = "generation", duration = 1.0, success = true });
            response.EnsureSuccessStatusCode();
        }
    }

    [Theory]
    [InlineData("/api/v1/runs")]
    [InlineData("/api/v1/overview")]
    public async Task GetRuns_LimitAndOffset_PageInActivityOrderWithTotal(string path)
    {
        using var first = await Http.GetAsync($"{path}?limit=3");
        using var last = await Http.GetAsync($"{path}?limit=3&offset=6");

        var firstRuns = (await Json.ReadAsync(first)).EnumerateArray().Select(r => r.GetProperty("run").GetString()).ToList();
        var lastRuns = (await Json.ReadAsync(last)).EnumerateArray().Select(r => r.GetProperty("run").GetString()).ToList();
        firstRuns.Should().Equal("paged-07", "paged-06", "paged-05");
        lastRuns.Should().Equal("paged-01", "paged-00");
        first.Headers.GetValues("X-Total-Count").Should().Equal("8");
        var all = await Json.GetAsync(Http, $"{path}?q=paged-0");
        all.GetArrayLength().Should().Be(RunCount);
    }

    [Theory]
    [InlineData("/api/v1/runs?limit=0", "limit")]
    [InlineData("/api/v1/runs?limit=1001", "limit")]
    [InlineData("/api/v1/overview?limit=5000", "limit")]
    [InlineData("/api/v1/runs?offset=-1", "offset")]
    public async Task GetRuns_OutOfRange_ProblemNamesField(string url, string field)
    {
        using var response = await Http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }
}
