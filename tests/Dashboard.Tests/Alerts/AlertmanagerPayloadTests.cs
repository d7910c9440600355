using System.Text.Json;
using Dashboard.Alerts;
using Dashboard.Live;
using FluentAssertions;

namespace Dashboard.Tests.Alerts;

public sealed class AlertmanagerPayloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Started = Now.AddMinutes(-3);

    [Fact]
    public async Task Content_FiringAlert_HasLabelsAnnotationsAndEndsFiveMinutesAhead()
    {
        var alert = new AlertChangedMessage(1, "low_success_rate", "r1", "warning", AlertState.Firing, "Success rate 0.5 is below 0.8.", 0.5, 0.8, Started, null);

        var json = JsonDocument.Parse(await AlertmanagerPayload.Content([alert], Now).ReadAsStringAsync()).RootElement;

        var posted = json.EnumerateArray().Should().ContainSingle().Subject;
        posted.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()).Should().BeEquivalentTo(
            new Dictionary<string, string> { ["alertname"] = "low_success_rate", ["severity"] = "warning", ["rule"] = "low_success_rate", ["run"] = "r1" });
        posted.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()).Should().BeEquivalentTo(
            new Dictionary<string, string> { ["message"] = "Success rate 0.5 is below 0.8.", ["value"] = "0.5", ["threshold"] = "0.8" });
        posted.GetProperty("startsAt").GetDateTimeOffset().Should().Be(Started);
        posted.GetProperty("endsAt").GetDateTimeOffset().Should().Be(Now.AddMinutes(5));
    }

    [Fact]
    public void From_ResolvedAlert_EndsWhenItResolved()
    {
        var resolvedAt = Now.AddSeconds(-10);
        var alert = new AlertChangedMessage(1, "r", null, "error", AlertState.Resolved, "m", null, null, Started, resolvedAt);

        var posted = AlertmanagerPayload.From(alert, Now);

        posted.EndsAt.Should().Be(resolvedAt);
        posted.Labels.Should().NotContainKey("run");
        posted.Annotations.Keys.Should().BeEquivalentTo(["message"]);
    }

    [Theory]
    [InlineData(AlertState.Pending, false)]
    [InlineData(AlertState.Inactive, false)]
    [InlineData(AlertState.Firing, true)]
    [InlineData(AlertState.Resolved, true)]
    public void Build_State_OnlyFiringAndResolvedAreSent(string state, bool sent)
    {
        var alert = new AlertChangedMessage(1, "r", "run", "warning", state, "m", 1, 2, Started, null);

        AlertmanagerPayload.Build([alert], Now).Should().HaveCount(sent ? 1 : 0);
    }

    [Theory]
    [InlineData("http://am:9093", "http://am:9093/api/v2/alerts")]
    [InlineData("http://am:9093/", "http://am:9093/api/v2/alerts")]
    [InlineData("https://proxy/alertmanager/", "https://proxy/alertmanager/api/v2/alerts")]
    [InlineData("http://am:9093/api/v2/alerts", "http://am:9093/api/v2/alerts")]
    public void AlertsUrl_BaseOrFullAddress_PointsAtTheV2Api(string target, string expected)
    {
        AlertmanagerPayload.AlertsUrl(target).Should().Be(expected);
    }

    [Theory]
    [InlineData("alertmanager", true)]
    [InlineData("prometheus", false)]
    public void Validate_WebhookFormat_AlertmanagerAccepted(string format, bool valid)
    {
        var settings = AlertSettings.CreateDefault(60);
        settings.Webhooks.Add(new WebhookTarget { Url = "http://127.0.0.1:9093", Format = format });

        var errors = AlertSettingsValidator.Validate(settings);

        errors.Select(e => e.Field).Should().BeEquivalentTo(valid ? [] : new[] { "webhooks[0].format" });
    }
}
