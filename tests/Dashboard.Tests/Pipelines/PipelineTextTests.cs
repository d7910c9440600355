using Dashboard.Pipelines;

namespace Dashboard.Tests.Pipelines;

public sealed class PipelineTextTests
{
    [Fact]
    public void Metadata_Object_PairsWithoutThePipeline()
    {
        PipelineText.Metadata("""{"pipeline":"etl","error":"<script>x</script>","rows":12}""")
            .Should().Equal(("error", "<script>x</script>"), ("rows", "12"));
    }

    [Fact]
    public void Metadata_NotJsonOrLong_ShownCut()
    {
        PipelineText.Metadata("not json").Should().Equal(("metadata", "not json"));
        PipelineText.Metadata("""{"e":"%"}""".Replace("%", new string('x', 400)))[0].Value.Should().HaveLength(PipelineText.MaxValueLength + 1);
        PipelineText.Metadata(null).Should().BeEmpty();
    }
}
