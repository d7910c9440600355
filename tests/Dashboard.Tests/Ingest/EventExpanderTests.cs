using System.Text;
using Dashboard.Ingest;

namespace Dashboard.Tests.Ingest;

public sealed class EventExpanderTests
{
    private static (ParsedIngest? Parsed, IngestRejection? Rejection) Parse(string json) =>
        IngestParser.Parse(Encoding.UTF8.GetBytes(json), new IngestOptions(), receivedAt: 1_000_000);

    [Fact]
    public void Parse_GenerationWithErrorKey_ExpandsAsAfterimage()
    {
        var (parsed, _) = Parse("""{"run":"r","events":[{"type":"generation","duration":2.5,"success":false,"error":"boom","model_name":"m/1","finish_reason":"length","prompt_token_count":10,"completion_token_count":null}]}""");

        parsed!.Events.Single().Points.Select(p => (p.Name, p.Value, p.ModelName)).Should().Equal(
            ("generation_time", 2.5, null), ("success_rate", 0d, null), ("error_rate", 1d, null),
            ("model_usage:m/1", 1d, null), ("finish_reason:length", 1d, null), ("prompt_token_count", 10d, "m/1"));
    }

    [Theory]
    [InlineData("""{"type":"generation","duration":"1","success":true}""", "/events/0/duration")]
    [InlineData("""{"type":"generation","duration":-1,"success":true}""", "/events/0/duration")]
    [InlineData("""{"type":"generation","duration":1e400,"success":true}""", "/events/0/duration")]
    [InlineData("""{"type":"nope"}""", "/events/0/type")]
    [InlineData("""{"type":"metric","name":"x","value":"nan"}""", "/events/0/value")]
    public void Parse_InvalidEvent_NamesTheField(string evt, string pointer)
    {
        var (_, rejection) = Parse($$"""{"run":"r","events":[{{evt}}]}""");

        rejection!.Errors!.Select(e => e.Pointer).Should().Contain(pointer);
    }
}
