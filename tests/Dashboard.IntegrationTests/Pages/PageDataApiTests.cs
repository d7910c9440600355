using System.Globalization;
using System.Net;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Pages;

public sealed class PageDataApiTests : HostedTest
{

    protected override async Task SeedAsync()
    {
        using var body = new StreamContent(File.OpenRead(Fixtures.Path("afterimage-metrics.jsonl")));
        body.Headers.ContentType = new("application/x-ndjson");
        using var response = await Http.PostAsync("/api/v1/runs/fx/import", body);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task GetPageData_Fixture_FailureShareIsOneMinusSuccessRate()
    {
        var data = await Json.GetAsync(Http, "/api/v1/runs/fx/page-data?range=all");

        var generations = data.GetProperty("generations");
        var success = generations.GetProperty("success_rate").GetDouble();
        generations.GetProperty("failure_share").GetDouble().Should().BeApproximately(1 - success, 1e-12);
        generations.GetProperty("failure_share").GetDouble().Should().BeLessThan(0.2);
        data.GetProperty("success_series")[1].GetProperty("name").GetString().Should().Be("failure_share");
        data.GetProperty("model_usage").EnumerateArray().Select(m => m.GetProperty("name").GetString())
            .Should().Contain("meta-llama/Llama-3.1-8B-Instruct");
        data.GetProperty("feedback").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task GetRolling_ErrorRate_ShowsValuesAsRecorded()
    {
        var data = await Json.GetAsync(Http, "/api/v1/runs/fx/rolling?name=error_rate&range=all&rolling=10");

        data.GetProperty("points").EnumerateArray().Should().OnlyContain(p => p[1].GetDouble() == 1.0);
    }

    [Theory]
    [InlineData("/api/v1/runs/fx/page-data?range=7x", "range")]
    [InlineData("/api/v1/runs/fx/page-data?from=yesterday", "from")]
    [InlineData("/api/v1/runs/fx/rolling?name=x&rolling=0", "rolling")]
    [InlineData("/api/v1/runs/fx/rolling", "name")]
    public async Task GetPageData_BadParameter_ProblemNamesField(string url, string field)
    {
        using var response = await Http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be(field);
    }

    [Fact]
    public async Task GetRunPage_UnknownRunAndBadRange_AnswerNotFoundAndBadRequest()
    {
        using var missing = await Http.GetAsync("/runs/nope");
        using var bad = await Http.GetAsync("/runs/fx?range=7x");

        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("The range must be");
    }

    [Fact]
    public async Task GetPageData_CustomRange_ChartsStayUnderThousandPoints()
    {
        var events = Enumerable.Range(0, 1500).Select(i => (object)new
        {
            type = "metric", name = "latency", value = i,
            timestamp = DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
        }).ToArray();
        using (var r = await Json.PostIngestAsync(Http, "big", events))
        {
            r.EnsureSuccessStatusCode();
        }

        var data = await Json.GetAsync(Http, "/api/v1/runs/big/rolling?name=latency&range=all&rolling=1");

        data.GetProperty("count").GetInt64().Should().Be(1500);
        data.GetProperty("points").GetArrayLength().Should().Be(1000);
    }
}
