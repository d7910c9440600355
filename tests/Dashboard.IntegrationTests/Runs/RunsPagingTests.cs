using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Runs;

/// <summary>The runs overview and GET /api/v1/runs stay bounded: top N most recently active, "N more", server search, paging.</summary>
public sealed class RunsPagingTests() : HostedTest(new Dictionary<string, string?> { ["Pages:RunsLimit"] = "5" })
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

    [Fact]
    public async Task Overview_MoreRunsThanLimit_ShowsLimitAndMoreCount()
    {
        var html = await Http.GetStringAsync("/");

        CountRows(html).Should().Be(5);
        html.Should().Contain("3 more runs").And.Contain("data-run=\"paged-07\"").And.NotContain("data-run=\"paged-00\"");
    }

    [Fact]
    public async Task Overview_SearchForRunBeyondLimit_FindsIt()
    {
        var html = await Http.GetStringAsync("/?q=PAGED-00");

        CountRows(html).Should().Be(1);
        html.Should().Contain("data-run=\"paged-00\"").And.NotContain("id=\"runs-more\"");
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

    [Fact]
    public async Task Overview_NewRunArrives_AppearsLiveAndLimitHolds()
    {
        var page = await Browser.OpenAsync(Factory.BaseAddress);
        await page.Locator("#connection-badge[data-state='live']").WaitForAsync();

        using var response = await Json.PostIngestAsync(Http, "paged-new", new { type = "generation", duration = 1.0, success = true });
        response.EnsureSuccessStatusCode();

        await page.Locator("tr[data-run='paged-new']").WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        (await page.Locator("#runs-body tr").CountAsync()).Should().Be(5);
        (await page.Locator("#runs-more").TextContentAsync()).Should().Contain("4 more runs");
        await page.FillAsync("#run-search", "paged-00");
        await page.Locator("tr[data-run='paged-00']").WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        Browser.Errors.Should().BeEmpty();
    }

    private static int CountRows(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<tr data-run=").Count;
}
