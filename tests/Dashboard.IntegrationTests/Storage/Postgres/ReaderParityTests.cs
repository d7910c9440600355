using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using static Dashboard.IntegrationTests.Storage.Postgres.ProviderPair;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>Each PostgreSQL reader answers exactly what its SQLite twin answers for the same writes.</summary>
public sealed class ReaderParityTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly ProviderPair _pair = TestPostgres.Server is null ? null! : new ProviderPair();

    public void Dispose() => _pair?.Dispose();

    private void Seed()
    {
        var t = Timestamps.ToMicros(Now) - 30 * 60_000_000L;
        for (var i = 0; i < 40; i++)
        {
            var ts = t + i * 30_000_000L;
            _pair.Write(
                Write($"Run-{i % 3}", i % 2 == 0 ? "alpha" : "beta",
                    Event(null, ts, ("success_rate", i % 4 == 0 ? 0.0 : 1.0, "m1", null), ("total_token_count", 100.0 + i, "m1", null),
                        ("generation_time", i * 0.25, (string?)null, (string?)null))),
                Write("b_run", "beta", Event($"e{i}", ts, ("prediction_confidence", (i % 10) / 10.0, null, $$"""{"label":"L{{i % 3}}"}"""),
                    ("pipeline_success", i % 5 == 0 ? 0.0 : 1.0, null, """{"pipeline":"etl"}"""), ("evaluation_time", 1.5, (string?)null, (string?)null))),
                Write("Ärger_ü", Event(null, ts, ("prediction_error", 1.0, (string?)null, (string?)null))));
        }
    }

    [PostgresFact]
    public async Task GetRunListAsync_EverySortBothWaysAndFilters_SameRows()
    {
        Seed();
        var sqlite = new SqliteRunListReader(_pair.Sqlite);
        var postgres = new PostgresRunListReader(_pair.Postgres);
        var queries = Enum.GetValues<RunListSort>().SelectMany(s => new[] { true, false }.Select(d => new RunListQuery(Sort: s, Descending: d)))
            .Concat([
                new RunListQuery(Search: "run"), new RunListQuery(Search: "RUN-1"), new RunListQuery(Project: "beta"),
                new RunListQuery(Kind: RunKinds.Predictions), new RunListQuery(Kind: RunKinds.Pipelines | RunKinds.Evaluations),
                new RunListQuery(LiveOnly: true), new RunListQuery(Offset: 2, Limit: 2), new RunListQuery(Offset: 50, Limit: 2),
            ]);

        foreach (var q in queries)
        {
            var expected = await sqlite.GetRunListAsync(q, Now, default);
            var actual = await postgres.GetRunListAsync(q, Now, default);

            actual.Total.Should().Be(expected.Total, q.ToString());
            actual.Rows.Should().Equal(expected.Rows, q.ToString());
        }
    }

    [PostgresFact]
    public async Task GetActivityAsync_RunsWithAndWithoutPoints_SameCounts()
    {
        Seed();
        string[] runs = ["Run-0", "b_run", "Ärger_ü", "missing"];

        var expected = await new SqliteRunListReader(_pair.Sqlite).GetActivityAsync(runs, Now, 60, default);
        var actual = await new PostgresRunListReader(_pair.Postgres).GetActivityAsync(runs, Now, 60, default);

        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var run in runs)
        {
            actual[run].Should().Equal(expected[run], run);
        }
        actual["Run-0"].Sum().Should().BeGreaterThan(0);
    }

    [PostgresFact]
    public void GetRecentFigures_RunsWithAndWithoutGenerations_SameEventsAndLatestValues()
    {
        Seed();
        string[] runs = ["Run-0", "Run-1", "b_run", "Ärger_ü", "missing"];
        var since = Timestamps.ToMicros(Now) - 20 * 60_000_000L; // the seed spans the last 30 to 10 minutes

        var expected = new SqliteRunListReader(_pair.Sqlite).GetRecentFigures(runs, since, "generation_time", 5, default);
        var actual = new PostgresRunListReader(_pair.Postgres).GetRecentFigures(runs, since, "generation_time", 5, default);

        actual.Keys.Should().BeEquivalentTo(expected.Keys).And.NotContain("missing");
        foreach (var run in expected.Keys)
        {
            actual[run].EventsSince.Should().Be(expected[run].EventsSince, run);
            actual[run].LatestValues.Should().Equal(expected[run].LatestValues, run);
        }
        expected["Run-0"].LatestValues.Should().HaveCount(5);
        expected["Run-0"].EventsSince.Should().BeGreaterThan(0);
    }

    [PostgresFact]
    public async Task RulePreviewReader_MetricNamesAndSeriesPerScope_Same()
    {
        Seed();
        var sqlite = new SqliteRulePreviewReader(_pair.Sqlite);
        var postgres = new PostgresRulePreviewReader(_pair.Postgres);

        (await postgres.GetMetricNamesAsync(default)).Should().Equal(await sqlite.GetMetricNamesAsync(default));
        foreach (var (scope, value, max) in new[] { ("all", (string?)null, 1000), ("project", "beta", 1000), ("run", "Run-1", 1000), ("all", null, 7) })
        {
            var (expected, expectedTruncated) = await sqlite.GetPreviewSeriesAsync("success_rate", scope, value, Now.AddHours(-1), Now, max, default);
            var (actual, actualTruncated) = await postgres.GetPreviewSeriesAsync("success_rate", scope, value, Now.AddHours(-1), Now, max, default);

            actualTruncated.Should().Be(expectedTruncated);
            actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering(), $"{scope} {value} {max}");
        }
    }
}
