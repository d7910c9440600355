using System.Text;
using Dashboard.Ingest;

namespace Dashboard.Tests.Security;

/// <summary>Seeded random mutations of valid bodies: the parser must answer, never throw.</summary>
public sealed class IngestParserFuzzTests
{
    private static readonly string[] Seeds =
    [
        """{"run":"r","project":"p","events":[{"type":"generation","id":"1","duration":1.5,"success":true,"model_name":"m","finish_reason":"stop","total_token_count":10,"metadata":{"k":[1,{"x":"y"}]}}]}""",
        """{"run":"r","events":[{"type":"evaluation","duration":1,"success":false,"evaluator_type":"judge","scores":{"q":{"score":0.5,"feedback":"ok"}},"error":"boom"}]}""",
        """{"run":"r","events":[{"type":"prediction","prediction":"pos","confidence":0.9,"text":"hello","timestamp":"2024-01-01T00:00:00Z"},{"type":"log","level":"warn","message":"m","data":{"a":1}}]}""",
        """{"run":"r","events":[{"type":"pipeline_execution","pipeline":"p","execution_time":2,"success":true,"metadata":{"step":3}},{"type":"prediction_error","error_type":"E","error_message":"x","context":{}},{"type":"metric","name":"n","value":-1e10,"timestamp":1700000000}]}""",
    ];

    private const string Structural = "{}[],:\"0-e.";

    private static readonly string[] Tokens =
        ["{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "1e400", "-0", "NaN", "\"\\u0000\"", "\"\\ud800\"", "\u00ff", "\"events\"", "\"type\"", "99999999999999999999999"];

    [Fact]
    public void Parse_SeededRandomMutations_NeverThrows()
    {
        var random = new Random(20240601);
        var limits = new IngestOptions { MaxMetadataDepth = 4, MaxMetadataBytes = 256 };
        var parsed = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var body = Mutate(Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]), random);

            var (result, rejection) = IngestParser.Parse(body, limits, receivedAt: 1_700_000_000_000_000);

            (result is null ^ rejection is null).Should().BeTrue("exactly one of result or rejection");
            parsed += result is null ? 0 : 1;
        }
        parsed.Should().BeGreaterThan(0, "some mutations stay valid");
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)])); break;
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 20))); break;
                case 4:
                    var from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(10, bytes.Count - from)));
                    break;
                default: bytes[at] = (byte)Structural[random.Next(Structural.Length)]; break;
            }
        }
        return [.. bytes];
    }
}
