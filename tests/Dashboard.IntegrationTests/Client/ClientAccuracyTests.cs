using System.Globalization;
using System.Text.Json;
using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Client;

/// <summary>
/// Issue 12's accuracy check for the .NET path: the recorded stream of afterimage calls replayed through
/// the typed client gives the dashboard stats (count, mean, min, max per metric) and token report equal
/// to afterimage's own get_metrics and get_total_token_usage for the same calls.
/// </summary>
public sealed class ClientAccuracyTests : HostedTest
{
    [Fact]
    public async Task Replay_RecordedAfterimageCalls_StatsAndTokensEqualAfterimage()
    {
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Fixtures.Path("afterimage-calls.expected.json")));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(expected.RootElement.GetProperty("time_zone").GetString()!);
        var client = ClientTestRun.Create(Factory, "afterimage-replay", batchSize: 64);

        var calls = await AfterimageCallReplay.ReplayAsync(Fixtures.Path("afterimage-calls.jsonl"), zone, client);
        await client.DisposeAsync();

        calls.Should().HaveCount(301);
        client.Status.Should().Match<DeliveryStatus>(s => s.Failed == 0 && s.Sent == 301, "every call is stored: {0}", client.Status.LastFailure);
        await using var queries = new DashboardQueries(Factory.BaseAddress, "afterimage-replay");
        var metrics = expected.RootElement.GetProperty("metrics").EnumerateObject().ToList();
        metrics.Should().HaveCount(23);
        foreach (var metric in metrics)
        {
            var stats = await queries.GetStatsAsync(metric.Name);
            var want = metric.Value;
            stats.Count.Should().Be(want.GetProperty("count").GetInt64(), metric.Name);
            Same(stats.Mean, want.GetProperty("mean"), $"{metric.Name} mean");
            Same(stats.Min, want.GetProperty("min"), $"{metric.Name} min");
            Same(stats.Max, want.GetProperty("max"), $"{metric.Name} max");
        }
        var tokens = await queries.GetTokenUsageAsync();
        var wantTokens = expected.RootElement.GetProperty("token_usage");
        tokens.ByModel.OrderBy(m => m.ModelName, StringComparer.Ordinal).Should().Equal(
            wantTokens.GetProperty("by_model").EnumerateArray().Select(m => new ModelTokenUsage(m.GetProperty("model_name").GetString()!,
                m.GetProperty("prompt_tokens").GetInt64(), m.GetProperty("completion_tokens").GetInt64(), m.GetProperty("total_tokens").GetInt64())));
        (tokens.TotalPromptTokens, tokens.TotalCompletionTokens, tokens.TotalTokens).Should().Be((
            wantTokens.GetProperty("total_prompt_tokens").GetInt64(), wantTokens.GetProperty("total_completion_tokens").GetInt64(),
            wantTokens.GetProperty("total_tokens").GetInt64()));
        var stored = await Json.GetAsync(Http, "/api/v1/runs/afterimage-replay/export?format=json&window=all&names=generation_time");
        stored.GetProperty("generation_time").EnumerateArray().Select(p => p.GetProperty("timestamp").GetDateTimeOffset()).Order()
            .Should().Equal(calls.Where(c => c.Call == "track_generation").Select(c => c.At).Order(),
                "each point keeps its call's time, converted from New York time on either side of the DST jump");
    }

    [Fact]
    public void ToUtc_AcrossTheDaylightSavingJump_UsesEachSideOfItsOffset()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        AfterimageCallReplay.ToUtc("2026-03-08T01:50:06.689950", newYork).Should().Be(new DateTimeOffset(2026, 3, 8, 6, 50, 6, 689, TimeSpan.Zero).AddTicks(9500));
        AfterimageCallReplay.ToUtc("2026-03-08T03:14:00", newYork).Should().Be(new DateTimeOffset(2026, 3, 8, 7, 14, 0, TimeSpan.Zero));
    }

    /// <summary>Equal as afterimage computed it: NaN and infinities exactly, finite values up to summation order.</summary>
    private static void Same(double? actual, JsonElement expected, string what)
    {
        var want = expected.ValueKind == JsonValueKind.String
            ? double.Parse(expected.GetString()!, CultureInfo.InvariantCulture)
            : expected.GetDouble();
        actual.Should().NotBeNull(what);
        if (!double.IsFinite(want))
        {
            actual!.Value.Should().Be(want, what);
            return;
        }
        actual!.Value.Should().BeApproximately(want, Math.Abs(want) * 1e-12 + 1e-12, what);
    }
}
