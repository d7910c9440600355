using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Dashboard.IntegrationTests.Storage.Postgres.ProviderPair;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>The explorer's read on SQLite against hand-computed answers, and PostgreSQL's twin against SQLite's.</summary>
public sealed class ExplorerReaderTests
{
    private const long Minute = 60_000_000L;
    private static readonly long Start = Timestamps.ToMicros(DateTimeOffset.UtcNow) - 40 * Minute;

    // 20 points a minute for 3 minutes on run-a (values 1..20 each minute, model m1 for odd, m2 for even, key "judge"
    // j0..j4 by value % 5, 1 and "1" mixed in "tag"), 5 points on run-b.
    private static IEnumerable<PendingWrite> Writes()
    {
        for (var minute = 0; minute < 3; minute++)
        {
            var events = Enumerable.Range(1, 20).Select(v => Event(null, Start + minute * Minute + v,
                ("score", v, v % 2 == 1 ? "m1" : "m2", v % 7 == 0 ? null : $$"""{"judge":"j{{v % 5}}","tag":{{(v % 2 == 0 ? "1" : "\"1\"")}}}"""))).ToArray();
            yield return Write("run-a", events);
        }
        yield return Write("run-b", [.. Enumerable.Range(1, 5).Select(v => Event(null, Start + v, ("score", 100, null, null)))]);
    }

    private readonly string _path = TempFiles.NewDatabasePath();
    private readonly SqliteConnectionFactory _sqlite;

    public ExplorerReaderTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Dashboard", $"Data Source={_path}")]).Build();
        _sqlite = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        new SchemaMigrator(_sqlite, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        using var writer = new SqlitePointWriter(_sqlite, TimeProvider.System);
        foreach (var w in Writes())
        {
            writer.Write([w]);
        }
    }

    private long RunId(string run) => new SqliteMetricReader(_sqlite).GetRunId(run)!.Value;

    private ExplorerQuery Query(string? group, ExplorerAggregation agg, int maxGroups = 12, params string[] runs) =>
        new([.. (runs.Length == 0 ? ["run-a"] : runs).Select(RunId)], "score", group, agg, Start, Start + 10 * Minute, Minute, maxGroups);

    [Fact]
    public void GetSeries_NoGroup_AggregatesPerBucketInSql()
    {
        var reader = new SqliteExplorerReader(_sqlite);

        var mean = reader.GetSeries(Query(null, ExplorerAggregation.Mean)).Series.Single();
        var p95 = reader.GetSeries(Query(null, ExplorerAggregation.P95)).Series.Single();
        var sum = reader.GetSeries(Query(null, ExplorerAggregation.Sum)).Series.Single();
        var count = reader.GetSeries(Query(null, ExplorerAggregation.Count)).Series.Single();

        mean.Buckets.Select(b => b.Start).Should().Equal(Start, Start + Minute, Start + 2 * Minute);
        mean.Buckets.Select(b => b.Value).Should().Equal(10.5, 10.5, 10.5);
        p95.Buckets.Select(b => b.Value).Should().Equal([19, 19, 19], "nearest rank: the ceil(0.95 * 20) = 19th of 1..20");
        sum.Buckets.Select(b => b.Value).Should().Equal(210, 210, 210);
        count.Buckets.Select(b => b.Value).Should().Equal(20, 20, 20);
        mean.Points.Should().Be(60);
    }

    [Fact]
    public void GetSeries_GroupedByKeyModelAndRun_OneSeriesPerValueAndNoKeyApart()
    {
        var reader = new SqliteExplorerReader(_sqlite);

        var byJudge = reader.GetSeries(Query("judge", ExplorerAggregation.Count));
        var byModel = reader.GetSeries(Query(ExplorerGroups.Model, ExplorerAggregation.Mean));
        var byRun = reader.GetSeries(Query(ExplorerGroups.Run, ExplorerAggregation.Mean, 12, "run-a", "run-b"));
        var byTag = reader.GetSeries(Query("tag", ExplorerAggregation.Count));

        byJudge.GroupsTotal.Should().Be(6, "j0..j4 and the points without metadata");
        byJudge.Series.Single(s => s.Group is null).Points.Should().Be(6, "values 7 and 14 each minute carry no metadata");
        byJudge.Series.Sum(s => s.Points).Should().Be(60);
        byModel.Series.Single(s => s.Group == "m1").Buckets.First().Value.Should().Be(10, "mean of 1, 3, ..., 19");
        byRun.Series.Select(s => s.Group).Should().BeEquivalentTo([RunId("run-a").ToString(System.Globalization.CultureInfo.InvariantCulture), RunId("run-b").ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        byRun.Series.Single(s => s.Points == 5).Buckets.Single().Value.Should().Be(100);
        byTag.Series.Where(s => s.Group is not null).Should().ContainSingle("1 and \"1\" read as the same text");
    }

    [Fact]
    public void GetSeries_MoreGroupsThanCap_KeepsTheBiggestAndCountsAll()
    {
        var reader = new SqliteExplorerReader(_sqlite);

        var capped = reader.GetSeries(Query("judge", ExplorerAggregation.Mean, maxGroups: 2));

        capped.GroupsTotal.Should().Be(6);
        capped.Series.Should().HaveCount(2);
        capped.Series.Select(s => s.Points).Should().BeInDescendingOrder();
        reader.GetMetadataKeys([RunId("run-a")], 10).Should().Equal("judge", "tag");
    }

    [PostgresFact]
    public void PostgresExplorerReader_EveryAggregationAndGrouping_SameAsSqlite()
    {
        using var pair = new ProviderPair();
        foreach (var w in Writes())
        {
            pair.Write(w);
        }
        var sqlite = new SqliteExplorerReader(pair.Sqlite);
        var postgres = new PostgresExplorerReader(pair.Postgres);
        var ids = new SqliteMetricReader(pair.Sqlite);
        var pids = new PostgresMetricReader(pair.Postgres);

        foreach (var group in new[] { null, ExplorerGroups.Model, "judge", "tag", "absent" })
        {
            foreach (var agg in Enum.GetValues<ExplorerAggregation>())
            {
                foreach (var cap in new[] { 2, 12 })
                {
                    ExplorerQuery Q(IMetricReader m) => new([m.GetRunId("run-a")!.Value, m.GetRunId("run-b")!.Value], "score", group, agg, Start, Start + 10 * Minute, Minute, cap);
                    var a = sqlite.GetSeries(Q(ids));
                    var b = postgres.GetSeries(Q(pids));
                    b.GroupsTotal.Should().Be(a.GroupsTotal, $"{group} {agg}");
                    b.Series.Should().BeEquivalentTo(a.Series, o => o.WithStrictOrdering(), $"{group} {agg} cap {cap}");
                }
            }
        }
        postgres.GetMetadataKeys([pids.GetRunId("run-a")!.Value], 10).Should().Equal(sqlite.GetMetadataKeys([ids.GetRunId("run-a")!.Value], 10));
    }
}
