using Dashboard.Storage;
using Dashboard.Pipelines;

namespace Dashboard.Tests.Pipelines;

public sealed class PipelineHealthCalculatorTests
{
    private static PipelineAggregate Pipeline(string name, int executions, int successes) =>
        new(name, executions, executions * 2.0, 1, 3, executions, successes);

    [Theory]
    [InlineData(0.0, "healthy")]
    [InlineData(0.2, "healthy")]
    [InlineData(0.2000001, "degraded")]
    [InlineData(0.5, "degraded")]
    [InlineData(0.5000001, "critical")]
    [InlineData(1.0, "critical")]
    public void HealthOf_AtBoundaries_IsStrictlyAbove(double errorRate, string health) =>
        PipelineHealthCalculator.HealthOf(errorRate).Should().Be(health);

    [Fact]
    public void Compute_FigureOfOnePipeline_RatesAndTimes()
    {
        var report = PipelineHealthCalculator.Compute([new PipelineAggregate("etl", 4, 10, 1.5, 4, 4, 3)]);

        report.Pipelines.Should().Equal(new PipelineHealth("etl", 4, 0.75, 0.25, 2.5, 1.5, 4, "degraded"));
        report.Overall.Should().Be("degraded");
    }

    [Fact]
    public void Compute_ErrorRateExactlyOneFifthAndOneHalf_AreHealthyAndDegraded()
    {
        var report = PipelineHealthCalculator.Compute([Pipeline("a", 5, 4), Pipeline("b", 10, 5)]);

        report.Pipelines.Select(p => p.Health).Should().Equal("healthy", "degraded");
        report.Overall.Should().Be("degraded");
    }

    [Fact]
    public void Compute_OneCriticalPipeline_OverallIsCritical()
    {
        var report = PipelineHealthCalculator.Compute([Pipeline("ok", 10, 10), Pipeline("bad", 10, 4), Pipeline("meh", 10, 7)]);

        report.Overall.Should().Be("critical");
        report.Pipelines.Select(p => p.Pipeline).Should().Equal("bad", "meh", "ok");
        report.Pipelines.Select(p => p.Health).Should().Equal("critical", "degraded", "healthy");
    }

    [Fact]
    public void Compute_NoPipelines_OverallIsUnknown()
    {
        var report = PipelineHealthCalculator.Compute([]);

        report.Overall.Should().Be("unknown");
        report.Pipelines.Should().BeEmpty();
    }
}
