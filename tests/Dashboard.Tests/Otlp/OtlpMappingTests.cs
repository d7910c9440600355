using Dashboard.Ingest;
using Dashboard.Otlp;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Tests.Otlp;

public sealed class OtlpMappingTests
{
    private static readonly RepeatedField<KeyValue> NoAttributes = [];

    [Theory]
    [InlineData("my-run", "my-run")]
    [InlineData("my app", "my_app")]
    [InlineData("unknown_service:dotnet", "unknown_service:dotnet")]
    [InlineData("dienst/ä", "dienst__")]
    [InlineData("..", null)]
    [InlineData("", null)]
    public void Sanitize_ResourceValue_LegalRunNameOrNull(string value, string? expected)
    {
        RunAttribution.Sanitize(value).Should().Be(expected);
    }

    [Fact]
    public void Sanitize_LongValue_CutTo128()
    {
        RunAttribution.Sanitize(new string('a', 300)).Should().HaveLength(128);
    }

    [Fact]
    public void Delta_CumulativeSeries_ChangeSinceLastPointAndResetOnNewStart()
    {
        var deltas = new CumulativeDeltas();

        var first = deltas.Delta("r", "m", NoAttributes, 1, AggregationTemporality.Cumulative, 3, 6);
        var second = deltas.Delta("r", "m", NoAttributes, 1, AggregationTemporality.Cumulative, 5, 11);
        var same = deltas.Delta("r", "m", NoAttributes, 1, AggregationTemporality.Cumulative, 5, 11);
        var restarted = deltas.Delta("r", "m", NoAttributes, 2, AggregationTemporality.Cumulative, 1, 2);

        first.Should().Be((3d, 6d));
        second.Should().Be((2d, 5d));
        same.Should().Be((0d, 0d));
        restarted.Should().Be((1d, 2d));
    }

    [Fact]
    public void Delta_DeltaTemporalityOrOtherSeries_PassedThroughAndKeptApart()
    {
        var deltas = new CumulativeDeltas();
        var a = new RepeatedField<KeyValue> { new KeyValue { Key = "gen_ai.token.type", Value = new AnyValue { StringValue = "input" } } };
        var b = new RepeatedField<KeyValue> { new KeyValue { Key = "gen_ai.token.type", Value = new AnyValue { StringValue = "output" } } };

        deltas.Delta("r", "m", a, 1, AggregationTemporality.Cumulative, 1, 100);
        var other = deltas.Delta("r", "m", b, 1, AggregationTemporality.Cumulative, 1, 20);
        var delta = deltas.Delta("r", "m", a, 1, AggregationTemporality.Delta, 4, 7);

        other.Should().Be((1d, 20d));
        delta.Should().Be((4d, 7d));
    }

    [Fact]
    public void MapTraces_SpanWithoutModel_AcknowledgedNotStored()
    {
        var mapper = new OtlpTraceMapper(new OtlpOptions(), new IngestOptions(), new RunAttribution(null, "service.name", null, null));
        var span = new Span { SpanId = Google.Protobuf.ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8), StartTimeUnixNano = 1_000, EndTimeUnixNano = 2_000, Name = "GET /" };
        var request = Request(span);

        var batch = mapper.Map(request);

        batch.Items.Should().Be(1);
        batch.Rejected.Should().Be(0);
        batch.Runs.Values.SelectMany(e => e).Should().BeEmpty();
    }

    [Fact]
    public void MapTraces_ToolSpanWithModel_NotAGeneration()
    {
        var mapper = new OtlpTraceMapper(new OtlpOptions(), new IngestOptions(), new RunAttribution(null, "service.name", null, null));
        var span = new Span { StartTimeUnixNano = 1_000, EndTimeUnixNano = 2_000 };
        span.Attributes.Add(new KeyValue { Key = "gen_ai.operation.name", Value = new AnyValue { StringValue = "execute_tool" } });
        span.Attributes.Add(new KeyValue { Key = "gen_ai.request.model", Value = new AnyValue { StringValue = "m" } });

        var batch = mapper.Map(Request(span));

        batch.Runs.Values.SelectMany(e => e).Should().BeEmpty();
    }

    [Fact]
    public void MapTraces_EndBeforeStart_Rejected()
    {
        var mapper = new OtlpTraceMapper(new OtlpOptions(), new IngestOptions(), new RunAttribution(null, "service.name", null, null));

        var batch = mapper.Map(Request(new Span { StartTimeUnixNano = 2_000, EndTimeUnixNano = 1_000 }));

        batch.Rejected.Should().Be(1);
        batch.ErrorMessage.Should().Contain("end_time_unix_nano");
    }

    private static ExportTraceServiceRequest Request(Span span)
    {
        var resource = new ResourceSpans { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "unit" } });
        resource.ScopeSpans.Add(new ScopeSpans { Spans = { span } });
        return new ExportTraceServiceRequest { ResourceSpans = { resource } };
    }
}
