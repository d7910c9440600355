using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Security;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Auth:Mode=None answers only loopback Host names unless more are configured: DNS rebinding gets nothing (issue 11, item 3).</summary>
public sealed class NoneModeHostTests
{
    private const string Run = "rebind-target";

    [Fact]
    public async Task ForgedHostAndOrigin_ExportSettingsDelete_AllRefusedAndNothingChanged()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, Run, new { type = "metric", name = "loss", value = 1 })).EnsureSuccessStatusCode();
        var before = await http.GetStringAsync("/api/v1/settings/alerts");

        using var export = await ForgedAsync(http, HttpMethod.Get, $"/api/v1/runs/{Run}/export?format=csv");
        using var settings = await ForgedAsync(http, HttpMethod.Put, "/api/v1/settings/alerts",
            Json.Raw("""{"webhooks":[{"url":"https://evil.example/hook","format":"json","enabled":true}]}"""));
        using var delete = await ForgedAsync(http, HttpMethod.Delete, $"/api/v1/runs/{Run}");
        using var page = await ForgedAsync(http, HttpMethod.Get, "/settings");

        foreach (var response in new[] { export, settings, delete, page })
        {
            response.StatusCode.Should().Be(HttpStatusCode.MisdirectedRequest);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await Json.ReadAsync(response)).GetProperty("field").GetString().Should().Be("Host");
        }
        (await http.GetAsync($"/api/v1/runs/{Run}/export?format=csv")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetStringAsync("/api/v1/settings/alerts")).Should().Be(before);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("[::1]")]
    public async Task LoopbackHost_Answered(string host)
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/runs");
        request.Headers.Host = $"{host}:{factory.BaseAddress.Port}";
        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ConfiguredHost_AnsweredAndAnnouncedAtStartup_OthersStillRefused()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Auth:AllowedHosts:0"] = "dash.internal" });
        using var http = factory.CreateHttpClient();

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/runs");
        allowed.Headers.Host = "DASH.internal";
        using var ok = await http.SendAsync(allowed);
        using var refused = await ForgedAsync(http, HttpMethod.Get, "/api/v1/runs");
        var (lines, _) = SecurityBanner.Describe(factory.Services, "http://127.0.0.1");

        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().Be(HttpStatusCode.MisdirectedRequest);
        lines.Should().Contain(l => l.Contains("localhost, 127.0.0.0/8 and [::1] and dash.internal") && l.Contains("421"));
    }

    private static Task<HttpResponseMessage> ForgedAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        var port = http.BaseAddress!.Port;
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = $"evil.example:{port}";
        request.Headers.Add("Origin", $"http://evil.example:{port}");
        return http.SendAsync(request);
    }
}
