using System.Text;
using Dashboard.Ingest;

namespace Dashboard.Tests.Ingest;

/// <summary>Every built point carries its metadata's top-level keys and kinds, equal to what parsing its JSON gives.</summary>
public class MetadataKeysTests
{
    [Fact]
    public void Expand_EveryEventType_KeysMatchTheMetadataJson()
    {
        const string Body = """
            {"run":"r","tags":{"env":"prod","shard":3},"events":[
              {"type":"generation","duration":1.5,"success":true,"model_name":"m","prompt_tokens":3,"finish_reason":"stop","metadata":{"a":1,"b":null,"c":[1],"d":{"x":1},"e":false}},
              {"type":"evaluation","evaluator_type":"Judge","duration":0.2,"success":true,"scores":{"overall":0.5},"feedback":{"overall":null}},
              {"type":"metric","name":"m1","value":2,"metadata":{"n":2.5,"s":"x","model_name":"mm"}},
              {"type":"metric","name":"m2","value":2},
              {"type":"prediction","prediction":"pos","confidence":0.9,"processing_time":0.1,"text_length":10},
              {"type":"prediction_error","error_type":"E","error_message":"boom"},
              {"type":"pipeline_execution","pipeline":"p","execution_time":1,"success":false,"metadata":{"step":4}}
            ]}
            """;
        var (parsed, rejection) = IngestParser.Parse(Encoding.UTF8.GetBytes(Body), new IngestOptions(), receivedAt: 1_000_000);

        rejection.Should().BeNull();
        var points = parsed!.Events.SelectMany(e => e.Points).ToList();
        parsed.Errors.Should().BeEmpty();
        points.Should().HaveCountGreaterThan(8);
        points.Should().Contain(p => p.MetadataJson == null);
        foreach (var p in points)
        {
            if (p.MetadataJson is null)
            {
                p.Keys.Should().BeNull(p.Name);
            }
            else
            {
                p.Keys.Should().Equal(MetadataKey.Parse(p.MetadataJson), p.Name);
            }
        }
        points.First(p => p.Name == "generation_time").Keys.Should().Contain(
            [new("a", MetadataKind.Numeric), new("b", MetadataKind.Null), new("c", MetadataKind.Other), new("e", MetadataKind.Other)]);
    }
}
