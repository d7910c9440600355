using System.Net;
using Dashboard.Export;
using Dashboard.Security;
using Dashboard.Tests.Alerts;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Security;

/// <summary>The rules behind issue 11's hardening, without a host: host names, simple requests, failure windows, names.</summary>
public sealed class HardeningRulesTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST.", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("[::1]", true)]
    [InlineData("", true)]
    [InlineData("evil.example", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("128.0.0.1", false)]
    [InlineData("[::2]", false)]
    [InlineData("dash.internal", true)]
    public void NoneModeHostIsAllowed_LoopbackOrConfigured_Answered(string host, bool expected) =>
        NoneModeHostMiddleware.IsAllowed(host, ["dash.internal"]).Should().Be(expected);

    [Theory]
    [InlineData(null, true)]
    [InlineData("text/plain;charset=UTF-8", true)]
    [InlineData("application/x-www-form-urlencoded", true)]
    [InlineData("multipart/form-data; boundary=x", true)]
    [InlineData("application/json", false)]
    [InlineData("application/x-ndjson", false)]
    public void IsSimpleContentType_CorsSafelistedTypes_True(string? type, bool expected) =>
        CrossSiteRequestMiddleware.IsSimpleContentType(type).Should().Be(expected);

    [Fact]
    public void FailedAuthLimiter_LimitReached_BlocksUntilWindowEnds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var limiter = new FailedAuthLimiter(Options.Create(new AuthOptions { MaxFailedAuthPerWindow = 3, FailedAuthWindowSeconds = 60 }), clock);
        var attacker = IPAddress.Parse("203.0.113.7");

        limiter.RecordFailure(attacker);
        limiter.RecordFailure(attacker);
        var beforeLimit = limiter.RetryAfterSeconds(attacker);
        limiter.RecordFailure(IPAddress.Parse("::ffff:203.0.113.7"));
        clock.Advance(TimeSpan.FromSeconds(20));
        var blocked = limiter.RetryAfterSeconds(attacker);
        var neighbour = limiter.RetryAfterSeconds(IPAddress.Parse("203.0.113.8"));
        clock.Advance(TimeSpan.FromSeconds(40));

        beforeLimit.Should().BeNull();
        blocked.Should().Be(40);
        neighbour.Should().BeNull();
        limiter.RetryAfterSeconds(attacker).Should().BeNull("the window ended");
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123\U0001F680tail", "abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123'rest", "abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123e\u0301x", "abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("''", "metric")]
    public void XlsxSheetNames_HostileNames_CutWholeAndLegal(string name, string expected)
    {
        var sheet = new XlsxSheetNames().Add(name);

        sheet.Should().Be(expected);
        sheet.Length.Should().BeLessThanOrEqualTo(XlsxSheetNames.MaxLength);
    }

    [Fact]
    public void XlsxSheetNames_LoneSurrogate_Replaced() =>
        new XlsxSheetNames().Add(new string(['\ud800', 'l', 'o', 'n', 'e'])).Should().Be("_lone");

    [Fact]
    public void SlackEscape_MentionAndLink_BecomeText() =>
        Dashboard.Alerts.SlackWebhookFormat.Escape("<!channel> <https://evil.example/login|Your API key expired> & co")
            .Should().Be("&lt;!channel&gt; &lt;https://evil.example/login|Your API key expired&gt; &amp; co");
}
