using System.Text.RegularExpressions;
using Dashboard.Hosting;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Ui;

/// <summary>The one start-up block: its curl command must work as printed.</summary>
public sealed partial class StartupBannerTests
{
    [GeneratedRegex("-H 'X-Api-Key: ([^']+)'")]
    private static partial Regex KeyHeader();

    [Fact]
    public async Task Banner_TokenModeFirstStart_CurlCarriesTheNewIngestKeyThatWorks()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Auth:Mode"] = "Token" });
        var address = factory.BaseAddress.ToString().TrimEnd('/');

        var (lines, key) = SecurityBanner.Describe(factory.Services, address);
        var text = StartupBanner.Text(address, lines, key);

        var printed = KeyHeader().Match(text).Groups[1].Value;
        printed.Should().Be(factory.Services.GetRequiredService<ApiKeyStore>().CreatedIngestKey).And.StartWith("dk_");
        text.Should().Contain($"{address}/login?t=dk_").And.Contain($"curl -s -X POST {address}/api/v1/ingest");
        using var http = factory.CreateHttpClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", printed);
        (await Json.PostIngestAsync(http, "hello", new { type = "generation", duration = 1.2, success = true })).EnsureSuccessStatusCode();
    }

    [Fact]
    public void Text_KeyKnownOrNot_PrintsHeaderOrPlaceholderOrNothing()
    {
        StartupBanner.Text("http://h:1", [], SecurityBanner.IngestKeyPlaceholder).Should().Contain("-H 'X-Api-Key: <your ingest key>'");
        StartupBanner.Text("http://h:1", ["  Sign in:     not needed."], null).Should().NotContain("X-Api-Key").And.Contain("Sign in:     not needed.");
    }
}
