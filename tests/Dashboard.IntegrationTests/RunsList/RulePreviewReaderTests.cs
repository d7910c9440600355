using Dashboard.Alerts.Settings;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.RunsList;

public sealed class RulePreviewReaderTests : HostedTest
{
    [Fact]
    public async Task GetPreviewSeries_StoredPoints_PerRunInOrderAndCapped()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var run in new[] { "slow-a", "slow-b" })
        {
            var events = Enumerable.Range(0, 3).Select(i => (object)new
            {
                type = "generation", duration = 40.0 + i, success = true,
                timestamp = now.AddMinutes(-30 + i).ToString("O"),
            }).ToArray();
            using var response = await Json.PostIngestAsync(Http, run, events);
            response.EnsureSuccessStatusCode();
        }
        var reader = Factory.Services.GetRequiredService<IRulePreviewReader>();

        var (all, truncated) = await reader.GetPreviewSeriesAsync("generation_time", "all", null, now.AddHours(-24), now, 100, default);
        var (one, _) = await reader.GetPreviewSeriesAsync("generation_time", "run", "slow-b", now.AddHours(-24), now, 100, default);
        var (capped, cut) = await reader.GetPreviewSeriesAsync("generation_time", "all", null, now.AddHours(-24), now, 4, default);
        var names = await reader.GetMetricNamesAsync(default);
        var preview = RulePreview.Run(new RulePreviewSpec("generation_time", "mean", "above", 30, 300), all, now.AddHours(-24), now, truncated);

        all.Select(s => s.Run).Should().Equal("slow-a", "slow-b");
        all[0].Values.Should().Equal(40, 41, 42);
        truncated.Should().BeFalse();
        one.Should().ContainSingle().Which.Run.Should().Be("slow-b");
        cut.Should().BeTrue();
        capped.Sum(s => s.Values.Count).Should().Be(4);
        names.Should().Contain(["generation_time", "success_rate"]);
        preview.RunsFiring.Should().Be(2);
    }
}
