using Dashboard.Storage;

namespace Dashboard.Costs;

/// <summary>
/// What runs and projects cost, for the endpoints, the pages and budget alert rules: token sums aggregated in storage
/// per (model, bucket), priced here with the table as it is now (so a corrected price re-prices history).
/// </summary>
public sealed class CostService(ICostReader reader, IPriceStore prices, IGoalStore goals)
{
    public const string ScorePrefix = "evaluation_score_";

    /// <summary>Buckets that divide a UTC day, smallest first; a series picks the smallest giving at most MaxBuckets.</summary>
    public static readonly IReadOnlyList<TimeSpan> Steps =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1)];

    public const int MaxBuckets = 200;

    public async Task<PriceTable> GetPriceTableAsync(CancellationToken ct) => new(await prices.GetPricesAsync(ct));

    /// <summary>The run's cost over [from, to] (its whole life when null), or null when no such run exists.</summary>
    public async Task<RunCostReport?> GetRunCostAsync(string run, long? from, long? to, TimeSpan? step, CancellationToken ct)
    {
        if (await reader.GetRunAsync(run, ct) is not { } r)
        {
            return null;
        }
        var start = from ?? r.FirstTs ?? 0;
        var end = to ?? r.LastTs ?? start;
        var bucket = step ?? PickStep(end - start);
        var table = await GetPriceTableAsync(ct);
        var breakdown = CostCalculator.Compute(
            await reader.GetTokenAggregatesAsync([r.Id], from ?? long.MinValue, to ?? long.MaxValue, Micros(bucket), ct), table);
        var generations = await reader.CountAtLeastAsync(r.Id, MetricNames.SuccessRate, double.MinValue, from ?? long.MinValue, to ?? long.MaxValue, ct);
        var successes = await reader.CountAtLeastAsync(r.Id, MetricNames.SuccessRate, 1, from ?? long.MinValue, to ?? long.MaxValue, ct);
        var accepted = new List<AcceptedCost>();
        foreach (var (score, min, source) in await GetAcceptanceRulesAsync(r.Id, ct))
        {
            var n = await reader.CountAtLeastAsync(r.Id, ScorePrefix + score, min, from ?? long.MinValue, to ?? long.MaxValue, ct);
            accepted.Add(new AcceptedCost(score, min, source, n, n > 0 && breakdown.PricedPoints > 0 ? breakdown.Cost / n : null));
        }
        return new RunCostReport(r.Name, r.Project, table.Currency, From(from), From(to), (long)bucket.TotalSeconds,
            breakdown.PricedPoints > 0 ? breakdown.Cost : null, breakdown.PricedPoints, breakdown.UnpricedPoints,
            breakdown.Models.Select(m => new ModelCostResponse(m.Model, m.Cost, m.PromptTokens, m.CompletionTokens, m.CachedTokens,
                m.Points, m.UnpricedPoints)).ToList(),
            breakdown.Series.Select(s => new ModelCostSeriesResponse(s.Model,
                s.Buckets.Select(b => new CostPointResponse(Timestamps.FromMicros(b.StartMicros), b.Cost)).ToList())).ToList(),
            generations, successes, successes > 0 && breakdown.PricedPoints > 0 ? breakdown.Cost / successes : null, accepted);
    }

    /// <summary>Cost so far of each named run that exists (one aggregate query for all of them), for the runs list.</summary>
    public async Task<IReadOnlyList<RunCostSummary>> GetRunCostSummariesAsync(IReadOnlyCollection<string> runs, CancellationToken ct)
    {
        var found = await reader.GetRunsAsync(runs, ct);
        var table = await GetPriceTableAsync(ct);
        var aggregates = await reader.GetTokenAggregatesAsync(found.Select(r => r.Id).ToList(), long.MinValue, long.MaxValue, Micros(TimeSpan.FromDays(1)), ct);
        var byRun = aggregates.ToLookup(a => a.RunId);
        return found.Select(r =>
        {
            var b = CostCalculator.Compute(byRun[r.Id], table);
            return new RunCostSummary(r.Name, table.Currency, b.PricedPoints > 0 ? b.Cost : null, b.PricedPoints, b.UnpricedPoints);
        }).ToList();
    }

    /// <summary>Spend over [from, to] of every run that has a point in it (budget rules: spend per run and per project over a
    /// window); one aggregate query for all runs.</summary>
    public async Task<IReadOnlyList<RunSpend>> GetSpendAsync(long from, long to, CancellationToken ct)
    {
        var runs = await reader.GetRunsActiveSinceAsync(from, ct);
        var table = await GetPriceTableAsync(ct);
        var byRun = (await reader.GetTokenAggregatesAsync(runs.Select(r => r.Id).ToList(), from, to, Micros(PickStep(to - from)), ct))
            .ToLookup(a => a.RunId);
        return runs.Where(r => byRun.Contains(r.Id)).Select(r =>
        {
            var b = CostCalculator.Compute(byRun[r.Id], table);
            return new RunSpend(r.Name, r.Project, table.Currency, b.PricedPoints > 0 ? b.Cost : null, b.PricedPoints, b.UnpricedPoints);
        }).ToList();
    }

    /// <summary>Spend of every run of a project over [from, to] (budget rules: spend per project over a window).</summary>
    public async Task<ProjectCost> GetProjectCostAsync(string project, long from, long to, CancellationToken ct)
    {
        var runs = await reader.GetProjectRunsAsync(project, ct);
        var table = await GetPriceTableAsync(ct);
        var b = CostCalculator.Compute(
            await reader.GetTokenAggregatesAsync(runs.Select(r => r.Id).ToList(), from, to, Micros(PickStep(to - from)), ct), table);
        return new ProjectCost(project, table.Currency, Timestamps.FromMicros(from), Timestamps.FromMicros(to), runs.Count,
            b.PricedPoints > 0 ? b.Cost : null, b.PricedPoints, b.UnpricedPoints);
    }

    /// <summary>Spend of one run over [from, to] (budget rules: spend per run over a window); null when no such run.</summary>
    public async Task<RunCostSummary?> GetRunSpendAsync(string run, long from, long to, CancellationToken ct)
    {
        if (await reader.GetRunAsync(run, ct) is not { } r)
        {
            return null;
        }
        var table = await GetPriceTableAsync(ct);
        var b = CostCalculator.Compute(await reader.GetTokenAggregatesAsync([r.Id], from, to, Micros(PickStep(to - from)), ct), table);
        return new RunCostSummary(r.Name, table.Currency, b.PricedPoints > 0 ? b.Cost : null, b.PricedPoints, b.UnpricedPoints);
    }

    /// <summary>The acceptance rules that apply to a run: each threshold set per score name for a score the run has, with the
    /// run's own rule (from its goal) replacing the one for its score.</summary>
    public async Task<IReadOnlyList<(string Score, double Min, string Source)>> GetAcceptanceRulesAsync(long runId, CancellationToken ct)
    {
        var thresholds = await goals.GetScoreThresholdsAsync(ct);
        var goal = await goals.GetGoalAsync(runId, ct);
        var rules = new SortedDictionary<string, (double, string)>(StringComparer.Ordinal);
        foreach (var name in await reader.GetMetricNamesAsync(runId, ScorePrefix, ct))
        {
            var score = name[ScorePrefix.Length..];
            if (thresholds.TryGetValue(score, out var min))
            {
                rules[score] = (min, "score");
            }
        }
        if (goal?.AcceptScore is { } own && (goal.AcceptMin ?? (thresholds.TryGetValue(own, out var m) ? m : null)) is { } ownMin)
        {
            rules[own] = (ownMin, goal.AcceptMin is null ? "score" : "run");
        }
        return rules.Select(r => (r.Key, r.Value.Item1, r.Value.Item2)).ToList();
    }

    public static TimeSpan PickStep(long spanMicros) =>
        Steps.FirstOrDefault(s => spanMicros / Micros(s) < MaxBuckets, Steps[^1]);

    public static long Micros(TimeSpan t) => t.Ticks / 10;

    private static DateTimeOffset? From(long? micros) => micros is { } m ? Timestamps.FromMicros(m) : null;
}
