using System.Net;
using System.Text;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

/// <summary>Every error answer of the ingest contract, with its problem details; nothing valid is lost.</summary>
public sealed class ErrorAnswerTests() : HostedTest(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "4096", ["Ingest:MaxEventsPerBatch"] = "50" })
{

    private async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await Json.ReadAsync(response);
        problem.GetProperty("field").GetString().Should().Be(field);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        return problem;
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("""{"events":[{"type":"metric","name":"x","value":1}]}""", "run")]
    [InlineData("""{"run":"has space","events":[{"type":"metric","name":"x","value":1}]}""", "run")]
    [InlineData("""{"run":"r","project":"a/b","events":[{"type":"metric","name":"x","value":1}]}""", "project")]
    [InlineData("""{"run":"r","events":[]}""", "events")]
    [InlineData("""{"run":"r","events":{}}""", "events")]
    public async Task PostIngest_BadRequest_Returns400NamingField(string body, string field)
    {
        using var response = await Http.PostAsync("/api/v1/ingest", Json.Raw(body));

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task PostIngest_TooManyEvents_Returns400NamingEvents()
    {
        var events = Enumerable.Range(0, 51).Select(_ => new { type = "metric", name = "x", value = 1 }).ToArray();

        using var response = await Http.PostAsync("/api/v1/ingest", Json.Content(new { run = "r", events }));

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "events");
    }

    [Fact]
    public async Task PostIngest_NoValidEvent_Returns400WithEveryError()
    {
        using var response = await Http.PostAsync("/api/v1/ingest", Json.Raw(
            """{"run":"r","events":[{"type":"generation","duration":-1,"success":"yes"},{"type":"bogus"}]}"""));

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "events");
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString())
            .Should().BeEquivalentTo("/events/0/duration", "/events/0/success", "/events/1/type");
    }

    [Fact]
    public async Task PostIngest_SomeInvalid_Returns207AndStoresTheValid()
    {
        using var response = await Http.PostAsync("/api/v1/ingest", Json.Raw("""
            {"run":"mixed","events":[
              {"type":"metric","name":"ok","value":1},
              {"type":"metric","name":"bad","value":"1"},
              {"type":"metric","name":"ok","value":2},
              {"type":"generation","duration":1,"success":true,"timestamp":"yesterday"},
              {"type":"metric","name":"ok","value":3,"extra_field":"ignored"}]}
            """));

        response.StatusCode.Should().Be((HttpStatusCode)207);
        var body = await Json.ReadAsync(response);
        body.GetProperty("accepted").GetInt32().Should().Be(3);
        body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("pointer").GetString()))
            .Should().Equal((1, "/events/1/value"), (3, "/events/3/timestamp"));
        StoredPoints.Read(Factory.DatabasePath, "mixed").Select(p => p.Value).Should().Equal(1, 2, 3);
    }

    [Theory]
    [InlineData("""{"type":"metric","name":"x","value":1e999}""", "/events/0/value")]
    [InlineData("""{"type":"generation","duration":1,"success":1}""", "/events/0/success")]
    [InlineData("""{"type":"prediction","prediction":"a","confidence":1.5}""", "/events/0/confidence")]
    [InlineData("""{"type":"evaluation","duration":1,"success":true}""", "/events/0/evaluator_type")]
    [InlineData("""{"type":"evaluation","duration":1,"success":true,"evaluator_type":"j","scores":{"a":"high"}}""", "/events/0/scores/a")]
    [InlineData("""{"type":"log","level":"fatal","message":"x"}""", "/events/0/level")]
    [InlineData("""{"type":"metric","name":"x","value":1,"id":7}""", "/events/0/id")]
    public async Task PostIngest_InvalidField_NamesPointer(string evt, string pointer)
    {
        using var response = await Http.PostAsync("/api/v1/ingest", Json.Raw($$"""{"run":"r","events":[{{evt}}]}"""));

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "events");
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()).Should().Contain(pointer);
    }

    [Fact]
    public async Task PostIngest_OverLongName_Rejected()
    {
        var name = new string('n', 201);

        using var response = await Http.PostAsync("/api/v1/ingest", Json.Content(new { run = "r", events = new[] { new { type = "metric", name, value = 1 } } }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PostIngest_BodyOverLimit_Returns413()
    {
        var big = "{\"run\":\"r\",\"events\":[" + string.Join(",", Enumerable.Repeat("""{"type":"metric","name":"x","value":1}""", 200)) + "]}";

        using var response = await Http.PostAsync("/api/v1/ingest", Json.Raw(big));

        await ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task PostIngest_OtherContentType_Returns415()
    {
        using var response = await Http.PostAsync("/api/v1/ingest", new StringContent("{}", Encoding.UTF8, "text/plain"));

        await ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task GetQueries_UnknownRun_Returns404()
    {
        foreach (var url in new[] { "/api/v1/runs/nope/metrics", "/api/v1/runs/nope/stats?name=x", "/api/v1/runs/nope/series?name=x", "/api/v1/runs/nope/tokens", "/api/v1/runs/nope/logs" })
        {
            using var response = await Http.GetAsync(url);
            await ExpectProblemAsync(response, HttpStatusCode.NotFound, "run");
        }
    }

    [Theory]
    [InlineData("/api/v1/runs/r/stats", "name")]
    [InlineData("/api/v1/runs/r/stats?name=x&window=7x", "window")]
    [InlineData("/api/v1/runs/r/series?name=x&from=2026-01-02&to=2026-01-01", "from")]
    [InlineData("/api/v1/runs/r/series?name=x&step=fast", "step")]
    [InlineData("/api/v1/runs/r/logs?level=debug", "level")]
    public async Task GetQueries_BadParameter_Returns400NamingIt(string url, string field)
    {
        using var response = await Http.GetAsync(url);

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, field);
    }
}
