using System.Net;
using System.Text;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Security;

/// <summary>Run names that used to slip through ('$' anchor, dot-only) and bodies that used to answer 500.</summary>
public sealed class HostileNameTests : HostedTest
{
    public static TheoryData<string> DotAndNewlineNames => new() { "trail\n", ".", "..", "...", "ok\n" };

    public static TheoryData<byte[]> BadUtf8Alerts => new()
    {
        Body("""{"message":"x"""u8, [0xFF], "\"}"u8),
        Body("""{"message":"ok","run":"r"""u8, [0xC0, 0xAF], "\"}"u8),
        Body("{\"message\":\"ok\",\"metadata\":{\"k\":\""u8, [0xED, 0xA0, 0x80], "\"}}"u8),
        Body("""{"message":"cut"""u8, [0xE2, 0x82], "\"}"u8),
    };

    [Theory]
    [MemberData(nameof(DotAndNewlineNames))]
    public async Task PostIngest_DotOrNewlineRunName_Returns400NamingRun(string run)
    {
        using var response = await Json.PostIngestAsync(Http, run, new { type = "metric", name = "m", value = 1 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run");
        var runs = await Json.GetAsync(Http, "/api/v1/runs");
        runs.ToString().Should().NotContain("\"name\":\".", "nothing was stored");
    }

    [Theory]
    [MemberData(nameof(DotAndNewlineNames))]
    public async Task PostImport_DotOrNewlineRunName_Returns400NamingRun(string run)
    {
        using var content = Json.Raw("{\"name\":\"m\",\"value\":1}\n", "application/x-ndjson");

        using var response = await Http.PostAsync($"/api/v1/runs/{Uri.EscapeDataString(run)}/import", content);

        // A bare "." segment is resolved away by the URL rules (405 for /runs/import); anything else reaches the rule.
        ((int)response.StatusCode).Should().BeInRange(400, 499);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run");
        }
    }

    [Theory]
    [MemberData(nameof(DotAndNewlineNames))]
    public async Task PostAlert_DotOrNewlineRun_Returns400NamingRun(string run)
    {
        using var response = await Http.PostAsync("/api/v1/alerts", Json.Content(new { message = "m", run }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("run");
    }

    [Theory]
    [MemberData(nameof(BadUtf8Alerts))]
    public async Task PostAlert_InvalidUtf8_Returns400ProblemNamingBody(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await Http.PostAsync("/api/v1/alerts", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("body");
        (await Json.GetAsync(Http, "/api/v1/alerts")).GetArrayLength().Should().Be(0, "nothing was stored");
    }

    [Fact]
    public async Task PutAlertSettings_InvalidUtf8_Returns400ProblemNamingBody()
    {
        using var content = new ByteArrayContent(Body("""{"rules":[],"webhooks":[{"url":"http://x/"""u8, [0xFF], "\"}]}"u8));
        content.Headers.ContentType = new("application/json");

        using var response = await Http.PutAsync("/api/v1/settings/alerts", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("body");
    }

    private static byte[] Body(ReadOnlySpan<byte> head, byte[] bad, ReadOnlySpan<byte> tail) => [.. head, .. bad, .. tail];
}
