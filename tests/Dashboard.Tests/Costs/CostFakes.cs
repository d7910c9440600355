using Dashboard.Costs;
using Dashboard.Storage;

namespace Dashboard.Tests.Costs;

/// <summary>One run's token sums and sample counts, held in memory: what the cost and goal services read from storage.</summary>
public sealed class FakeCostReader : ICostReader
{
    public CostRun Run { get; set; } = new(1, "run-1", "default", 0, 0);

    public List<TokenAggregate> Aggregates { get; } = [];

    /// <summary>Metric name to the values of its points (success_rate 1/0, evaluation_score_x values) with their times.</summary>
    public Dictionary<string, List<(long Ts, double Value)>> Points { get; } = new(StringComparer.Ordinal);

    public int TokenReads { get; private set; }

    public void AddPoint(string metric, long ts, double value)
    {
        if (!Points.TryGetValue(metric, out var list))
        {
            Points[metric] = list = [];
        }
        list.Add((ts, value));
    }

    public Task<CostRun?> GetRunAsync(string run, CancellationToken ct) => Task.FromResult(run == Run.Name ? Run : null);

    public Task<IReadOnlyList<CostRun>> GetRunsAsync(IReadOnlyCollection<string> runs, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CostRun>>(runs.Contains(Run.Name) ? [Run] : []);

    public Task<IReadOnlyList<CostRun>> GetProjectRunsAsync(string project, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CostRun>>(project == Run.Project ? [Run] : []);

    public Task<IReadOnlyList<CostRun>> GetRunsActiveSinceAsync(long since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CostRun>>([Run]);

    public Task<IReadOnlyList<TokenAggregate>> GetTokenAggregatesAsync(IReadOnlyCollection<long> runIds, long from, long to, long bucketMicros,
        CancellationToken ct)
    {
        TokenReads++;
        return Task.FromResult<IReadOnlyList<TokenAggregate>>([.. Aggregates.Where(a => runIds.Contains(a.RunId) && a.BucketStart >= from && a.BucketStart <= to)
            .GroupBy(a => (a.RunId, a.Kind, a.Model, Bucket: a.BucketStart / bucketMicros * bucketMicros))
            .Select(g => new TokenAggregate(g.Key.RunId, g.Key.Kind, g.Key.Model, g.Key.Bucket, g.Sum(a => a.Tokens), g.Sum(a => a.Points)))]);
    }

    public Task<long> CountAtLeastAsync(long runId, string metric, double min, long from, long to, CancellationToken ct) =>
        Task.FromResult((long)Points.GetValueOrDefault(metric, []).Count(p => p.Value >= min && p.Ts >= from && p.Ts <= to));

    public Task<long[]> CountAtLeastPerBucketAsync(long runId, string metric, double min, long to, long bucketMicros, int buckets, CancellationToken ct)
    {
        var counts = new long[buckets];
        foreach (var (ts, value) in Points.GetValueOrDefault(metric, []))
        {
            var i = (to - ts) / bucketMicros;
            if (value >= min && ts <= to && i >= 0 && i < buckets)
            {
                counts[i]++;
            }
        }
        return Task.FromResult(counts);
    }

    public Task<IReadOnlyList<string>> GetMetricNamesAsync(long runId, string prefix, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([.. Points.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]);
}

public sealed class FakePriceStore : IPriceStore
{
    public List<PriceEntry> Prices { get; set; } = [];

    public Task<IReadOnlyList<PriceEntry>> GetPricesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<PriceEntry>>([.. Prices]);

    public Task ReplacePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        Prices = [.. prices];
        return Task.CompletedTask;
    }

    public Task MergePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        Prices = [.. Prices.Where(p => !prices.Any(n => string.Equals(n.Model, p.Model, StringComparison.OrdinalIgnoreCase) && n.ValidFrom == p.ValidFrom)), .. prices];
        return Task.CompletedTask;
    }
}

public sealed class FakeGoalStore : IGoalStore
{
    public Dictionary<long, RunGoal> Goals { get; } = [];

    public Dictionary<string, double> Thresholds { get; } = new(StringComparer.Ordinal);

    public Task<RunGoal?> GetGoalAsync(long runId, CancellationToken ct) => Task.FromResult(Goals.GetValueOrDefault(runId));

    public Task SaveGoalAsync(long runId, RunGoal goal, CancellationToken ct)
    {
        Goals[runId] = goal;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteGoalAsync(long runId, CancellationToken ct) => Task.FromResult(Goals.Remove(runId));

    public Task<IReadOnlyDictionary<string, double>> GetScoreThresholdsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>(Thresholds));

    public Task SaveScoreThresholdsAsync(IReadOnlyDictionary<string, double> thresholds, CancellationToken ct)
    {
        Thresholds.Clear();
        foreach (var (k, v) in thresholds)
        {
            Thresholds[k] = v;
        }
        return Task.CompletedTask;
    }
}
