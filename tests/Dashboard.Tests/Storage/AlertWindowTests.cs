using System.Globalization;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Alert windows are read from rollups and the window's raw edges (<c>SqlAlertWindows</c>): every count, every threshold
/// count and the sum must equal the computation over the raw points, for windows cut anywhere, on random data and on
/// data made to sit on the thresholds and to split buckets between models.
/// </summary>
public sealed class AlertWindowTests : IDisposable
{
    private const double Low = 0.5, High = 2.0;
    private readonly RollupStore _store = new();

    public static TheoryData<string, int> Data() => new()
    {
        { "random", 1 }, { "random", 2 }, { "on the thresholds", 3 }, { "decided buckets", 4 }, { "models split a bucket", 5 },
    };

    [Theory]
    [MemberData(nameof(Data))]
    public void GetWindowAggregates_AnyWindow_EqualsTheRawPoints(string data, int seed)
    {
        var random = new Random(seed);
        foreach (var run in new[] { "a", "b" })
        {
            _store.Write(run, Points(data, random));
        }
        using var session = new SqliteAlertConditionReader(_store.Connections).Open();
        var ids = session.GetMetricIds();
        var thresholds = new WindowThresholds(ids["prediction_confidence"], Low, ids["prediction_processing_time"], High);

        foreach (var (from, to) in RollupFixtures.Ranges(random, 40).Append((RollupFixtures.Base - 1, RollupFixtures.Base + 3 * 3_600_000_000L)))
        {
            var fast = Flatten(session.GetWindowAggregates(ids.Values.ToList(), thresholds, from, to));
            var raw = Raw(thresholds, from, to);
            fast.Keys.Should().BeEquivalentTo(raw.Keys, $"{data}: window [{from}, {to}]");
            foreach (var (key, expected) in raw)
            {
                var actual = fast[key];
                (actual.Count, actual.BelowLow, actual.AboveHigh).Should().Be((expected.Count, expected.BelowLow, expected.AboveHigh), $"{data}: {key} in [{from}, {to}]");
                // The rollups add per bucket first: the same sum to floating-point rounding.
                actual.Sum.Should().BeApproximately(expected.Sum, 1e-9 * Math.Max(1, Math.Abs(expected.Sum)), $"{data}: {key} in [{from}, {to}]");
            }
        }
    }

    /// <summary>Three metrics over three hours from the fixtures' base, sub-second times, two models on the confidence.</summary>
    private static IEnumerable<(string Name, long Ts, double Value, string? Model)> Points(string data, Random random)
    {
        for (var i = 0; i < 4_000; i++)
        {
            var ts = RollupFixtures.Base + (long)(random.NextDouble() * 3 * 3_600_000_000L);
            var second = ts / 1_000_000;
            var (confidence, time) = data switch
            {
                "on the thresholds" => (random.Next(3) switch { 0 => Low, 1 => Math.BitDecrement(Low), _ => random.NextDouble() },
                    random.Next(3) switch { 0 => High, 1 => Math.BitIncrement(High), _ => random.NextDouble() * 4 }),
                // Whole seconds on one side of each threshold, a few straddling.
                "decided buckets" => (second % 7 == 0 ? random.NextDouble() : second % 2 == 0 ? 0.1 + random.NextDouble() * 0.3 : 0.6 + random.NextDouble() * 0.4,
                    second % 11 == 0 ? random.NextDouble() * 4 : second % 2 == 0 ? random.NextDouble() : 2.5 + random.NextDouble()),
                _ => (random.NextDouble(), random.NextDouble() * 4),
            };
            // "models split a bucket": one model always above the threshold, the other on either side.
            var model = data == "models split a bucket" ? (i % 2 == 0 ? "m1" : "m2") : random.Next(2) == 0 ? "m1" : null;
            if (data == "models split a bucket" && model == "m1")
            {
                confidence = 0.75;
            }
            yield return ("prediction_confidence", ts, confidence, model);
            yield return ("prediction_processing_time", ts, time, null);
            yield return ("generation_time", ts, random.NextDouble() * 3, model);
        }
    }

    private static Dictionary<string, WindowAggregate> Flatten(Dictionary<long, Dictionary<long, WindowAggregate>> byRun) =>
        byRun.SelectMany(r => r.Value.Select(m => ($"{r.Key}/{m.Key}", m.Value))).ToDictionary(x => x.Item1, x => x.Value);

    /// <summary>The answer from every raw point in the window, as the evaluator computed it before rollups.</summary>
    private Dictionary<string, WindowAggregate> Raw(WindowThresholds t, long from, long to)
    {
        using var c = _store.Connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT run_id, metric_id, COUNT(*), SUM(value),
                   COUNT(*) FILTER (WHERE metric_id = $lm AND value < $low), COUNT(*) FILTER (WHERE metric_id = $hm AND value > $high)
            FROM points WHERE ts >= $from AND ts <= $to GROUP BY run_id, metric_id
            """;
        cmd.Parameters.AddWithValue("$lm", t.LowMetric);
        cmd.Parameters.AddWithValue("$low", t.Low);
        cmd.Parameters.AddWithValue("$hm", t.HighMetric);
        cmd.Parameters.AddWithValue("$high", t.High);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        using var r = cmd.ExecuteReader();
        var answers = new Dictionary<string, WindowAggregate>();
        while (r.Read())
        {
            answers[string.Create(CultureInfo.InvariantCulture, $"{r.GetInt64(0)}/{r.GetInt64(1)}")] =
                new WindowAggregate(r.GetInt64(2), r.GetDouble(3), r.GetInt64(4), r.GetInt64(5));
        }
        return answers;
    }

    public void Dispose() => _store.Dispose();
}
