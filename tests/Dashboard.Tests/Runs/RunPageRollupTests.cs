using Dashboard.Ingest;
using Dashboard.Runs;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;
using Dashboard.Tests.Storage;

namespace Dashboard.Tests.Runs;

/// <summary>The run page's first view from rollups (per page bucket) against the same view read from every raw point.</summary>
public sealed class RunPageRollupTests : IDisposable
{
    private const long Base = 1_795_000_000_000_000; // an hour boundary: 2026-11-18T00:00:00Z
    private readonly RollupStore _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, true, true)]
    [InlineData(3, false, true)]
    public void Load_AnyRange_RollupsEqualRawPoints(int seed, bool wide, bool onePointPerEvent)
    {
        var random = new Random(seed);
        var events = RollupFixtures.Events(random, 12_000, wide);
        // afterimage sends one line per metric: an event's tokens and times arrive as separate events, across batches.
        _store.WriteEvents("r", onePointPerEvent ? events.SelectMany(RollupFixtures.Split) : events, batch: onePointPerEvent ? 777 : 2_000);
        var raw = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections));
        var fast = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections), new SqliteRunBucketReader(_store.Connections));
        var now = Timestamps.FromMicros(Base + 3 * RollupLevels.Hour);

        foreach (var (from, to) in RollupQueryTests.Ranges(random, 40).Append((long.MinValue, long.MaxValue)))
        {
            var range = new RunRange("custom", from, to, null, null);
            var expected = raw.Load("r", range, now)!.State;
            var actual = fast.Load("r", range, now)!.State;
            RollupFixtures.AssertSame(expected, actual, $"range [{from}, {to}]");
        }
    }

    [Fact]
    public void Load_BatchOfGenerationsWithoutTimestamps_EveryEventsTokensCounted()
    {
        // Forty generations in one POST, no timestamps: all received at once, each still its own event.
        var body = $$"""{"run":"r","events":[{{string.Join(",", Enumerable.Repeat(
            """{"type":"generation","duration":1.5,"success":true,"model_name":"gpt-4o","prompt_token_count":100,"completion_token_count":50}""", 40))}}]}""";
        var (parsed, _) = IngestParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), new IngestOptions(), receivedAt: Base);
        _store.WriteEvents("r", parsed!.Events);
        var loader = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections), new SqliteRunBucketReader(_store.Connections));

        var state = loader.Load("r", new RunRange("all", long.MinValue, long.MaxValue, null, null), Timestamps.FromMicros(Base + RollupLevels.Hour))!.State;

        state.Generations.Should().Be(40);
        state.GenerationTokens["gpt-4o"].Should().Be(new TokenSums(4_000, 2_000, 6_000, 40), "every event's tokens, totals derived for each");
        state.DerivedTotals.Should().Be(40);
        parsed.Events.Select(e => e.Timestamp).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("the n-th event is stored n microseconds after the receive time");
    }

    [Fact]
    public void Load_SuccessValuesAroundHalf_FailuresCountedExactly()
    {
        var random = new Random(9);
        double[] values = [0, 1, 0.5, 0.4999999999, 0.5000000001, 0.499, 0.501, -1, 0.25];
        var events = Enumerable.Range(0, 4_000).Select(i =>
        {
            var ts = Base + i * 250_000L + random.Next(3);
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            e.Points.Add(new MetricPoint(MetricNames.SuccessRate, ts, values[random.Next(values.Length)], null, null));
            return e;
        });
        _store.WriteEvents("r", events);
        var raw = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections));
        var fast = new RunPageLoader(_store.Points, new SqliteRunPointVisitor(_store.Connections), new SqliteRunBucketReader(_store.Connections));

        foreach (var (from, to) in RollupQueryTests.Ranges(random, 30).Append((long.MinValue, long.MaxValue)))
        {
            var range = new RunRange("custom", from, to, null, null);
            RollupFixtures.AssertSame(raw.Load("r", range, DateTimeOffset.UnixEpoch)!.State, fast.Load("r", range, DateTimeOffset.UnixEpoch)!.State, $"[{from}, {to}]");
        }
    }

    [Fact]
    public void Migrate_TokenRollupBackfill_EqualsWhatTheWriterKept()
    {
        _store.WriteEvents("r", RollupFixtures.Events(new Random(5), 6_000, wide: true).SelectMany(RollupFixtures.Split), batch: 500);
        const string Rows = "SELECT group_concat(run_id || '|' || width || '|' || bucket || '|' || model || '|' || judge || '|' || prompt || '|' || "
            + "completion || '|' || total || '|' || printf('%.6f', total_value) || '|' || events || '|' || derived, ';') FROM "
            + "(SELECT * FROM token_rollups ORDER BY run_id, width, bucket, model, judge)";
        var kept = Text(Rows);
        var step = SchemaMigrations.Steps.Single(s => s.Version == 13).Sql;
        var backfill = step[step.IndexOf("INSERT INTO token_rollups", StringComparison.Ordinal)..];

        Execute("DELETE FROM token_rollups;" + backfill);

        kept.Should().NotBeNullOrEmpty();
        Text(Rows).Should().Be(kept);
    }

    [Fact]
    public void Read_WidthNotWholeSeconds_Throws()
    {
        var reader = new SqliteRunBucketReader(_store.Connections);

        var read = () => reader.Read(1, ["m"], 0, 10, 1_500_000);

        read.Should().Throw<ArgumentOutOfRangeException>();
    }

    private string? Text(string sql)
    {
        using var c = _store.Connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() as string;
    }

    private void Execute(string sql)
    {
        using var c = _store.Connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
