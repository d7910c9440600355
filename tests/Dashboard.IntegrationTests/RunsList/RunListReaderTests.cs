using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.RunsList;

/// <summary>The runs list's storage reads against a real store: per-kind totals, sorting on any column, filters, paging.</summary>
public sealed class RunListReaderTests : HostedTest
{
    protected override async Task SeedAsync()
    {
        await PostAsync("gen-a", "p1",
            new { type = "generation", duration = 1.0, success = true, prompt_token_count = 100, completion_token_count = 20, total_token_count = 120 },
            new { type = "generation", duration = 2.0, success = false, prompt_token_count = 50, completion_token_count = 10 });
        await PostAsync("cls-b", "p2",
            new { type = "prediction", prediction = "pos", confidence = 0.9, processing_time = 0.1 },
            new { type = "prediction", prediction = "neg", confidence = 0.5, processing_time = 0.2 },
            new { type = "prediction_error", error_type = "Timeout", error_message = "slow" });
        await PostAsync("pipe-c", "p1",
            new { type = "pipeline_execution", pipeline = "etl", execution_time = 3.0, success = true },
            new { type = "pipeline_execution", pipeline = "etl", execution_time = 4.0, success = false },
            new { type = "pipeline_execution", pipeline = "load", execution_time = 1.0, success = false });
    }

    private async Task PostAsync(string run, string project, params object[] events)
    {
        using var response = await Http.PostAsync("/api/v1/ingest", Json.Content(new { run, project, events }));
        response.EnsureSuccessStatusCode();
    }

    private Task<RunListPage> ListAsync(RunListQuery q) =>
        Factory.Services.GetRequiredService<IRunListReader>().GetRunListAsync(q, DateTimeOffset.UtcNow, default);

    [Fact]
    public async Task GetRunList_RunsOfEachKind_TotalsThatMeanSomethingPerKind()
    {
        var page = await ListAsync(new RunListQuery(Sort: RunListSort.Name, Descending: false));

        page.Total.Should().Be(3);
        page.Rows.Select(r => r.Run).Should().Equal("cls-b", "gen-a", "pipe-c");
        var cls = page.Rows[0];
        cls.Kinds.Should().Be(RunKinds.Predictions);
        cls.Predictions.Should().Be(2);
        cls.MeanConfidence.Should().BeApproximately(0.7, 1e-9);
        cls.PredictionErrorRate.Should().BeApproximately(1 / 3d, 1e-9);
        var gen = page.Rows[1];
        gen.Kinds.Should().Be(RunKinds.Generations);
        gen.Generations.Should().Be(2);
        gen.SuccessRate.Should().Be(0.5);
        gen.Tokens.Should().Be(180, "the generation without total_token_count counts prompt + completion");
        gen.TokensDerived.Should().BeTrue();
        var pipe = page.Rows[2];
        pipe.Kinds.Should().Be(RunKinds.Pipelines);
        pipe.Executions.Should().Be(3);
        pipe.ExecutionFailures.Should().Be(2);
        pipe.Live.Should().BeTrue();
    }

    [Fact]
    public void GetRecentFigures_PageOfRuns_SameAsEachRunReadAlone()
    {
        var reader = Factory.Services.GetRequiredService<IRunListReader>();
        var points = Factory.Services.GetRequiredService<IRunPointReader>();
        var ids = Factory.Services.GetRequiredService<IMetricReader>();
        var since = Timestamps.ToMicros(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        string[] runs = ["gen-a", "cls-b", "pipe-c", "no-such-run"];

        var figures = reader.GetRecentFigures(runs, since, MetricNames.GenerationTime, 1000, default);

        figures.Keys.Should().BeEquivalentTo(["gen-a", "cls-b", "pipe-c"]);
        foreach (var run in figures.Keys)
        {
            var id = ids.GetRunId(run)!.Value;
            figures[run].EventsSince.Should().Be(points.CountEventsSince(id, since), run);
            figures[run].LatestValues.Should().Equal(points.GetLatestValues(id, MetricNames.GenerationTime, 1000), run);
        }
        figures["gen-a"].LatestValues.Should().BeEquivalentTo([1.0, 2.0]);
        figures["gen-a"].EventsSince.Should().Be(2);
    }

    [Theory]
    [InlineData(RunListSort.Executions, true, "pipe-c")]
    [InlineData(RunListSort.Predictions, true, "cls-b")]
    [InlineData(RunListSort.Tokens, true, "gen-a")]
    [InlineData(RunListSort.Confidence, false, "cls-b")]
    [InlineData(RunListSort.Project, true, "cls-b")]
    public async Task GetRunList_SortByColumn_RunWithThatKindFirst(RunListSort sort, bool descending, string first)
    {
        var page = await ListAsync(new RunListQuery(Sort: sort, Descending: descending));

        page.Rows[0].Run.Should().Be(first);
    }

    [Fact]
    public async Task GetRunList_FiltersAndPaging_CountAllMatches()
    {
        var kind = await ListAsync(new RunListQuery(Kind: RunKinds.Pipelines));
        var project = await ListAsync(new RunListQuery(Project: "p1", Sort: RunListSort.Name, Descending: false, Limit: 1, Offset: 1));
        var search = await ListAsync(new RunListQuery(Search: "B"));
        var past = await ListAsync(new RunListQuery(Offset: 10));

        kind.Rows.Should().ContainSingle().Which.Run.Should().Be("pipe-c");
        project.Total.Should().Be(2);
        project.Rows.Should().ContainSingle().Which.Run.Should().Be("pipe-c");
        search.Rows.Should().ContainSingle().Which.Run.Should().Be("cls-b");
        past.Rows.Should().BeEmpty();
        past.Total.Should().Be(3);
    }

    [Fact]
    public async Task GetActivity_EventsThisMinute_CountedInTheLastBucket()
    {
        var activity = await Factory.Services.GetRequiredService<IRunListReader>()
            .GetActivityAsync(["pipe-c", "nope"], DateTimeOffset.UtcNow.AddSeconds(1), 60, default);

        activity["pipe-c"].Should().HaveCount(60);
        activity["pipe-c"].Sum().Should().Be(3);
        activity["pipe-c"][^1].Should().BeGreaterThan(0);
        activity["nope"].Sum().Should().Be(0);
    }
}
