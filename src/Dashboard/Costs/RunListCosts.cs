using Dashboard.Storage;

namespace Dashboard.Costs;

/// <summary>
/// Cost and goal progress of the runs one runs-list page shows. Costs come from one aggregate query for the page's runs
/// (token sums per model and day, priced here); answers are kept for <see cref="MaxAge"/>, so a busy list that reloads
/// every second re-prices at most every few seconds. One instance per page (transient).
/// </summary>
public sealed class RunListCosts(CostService costs, GoalService goals, ICostReader reader, IGoalStore goalStore, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Sorting by cost prices this many runs at most (the newest first); the list says so when more match.</summary>
    public const int MaxSortedRuns = 2000;

    private readonly Dictionary<string, (RunListCost Cost, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, RunListCost>> GetAsync(IReadOnlyCollection<string> runs, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var stale = runs.Where(r => !_cache.TryGetValue(r, out var c) || now - c.At >= MaxAge).Distinct().ToList();
        if (stale.Count > 0)
        {
            foreach (var (run, cost) in await ReadAsync(stale, withGoals: true, ct))
            {
                _cache[run] = (cost, now);
            }
        }
        return runs.Where(_cache.ContainsKey).Distinct().ToDictionary(r => r, r => _cache[r].Cost, StringComparer.Ordinal);
    }

    /// <summary>Cost so far of each run (no goals), for sorting a list by cost.</summary>
    public async Task<IReadOnlyDictionary<string, RunListCost>> GetCostsOnlyAsync(IReadOnlyCollection<string> runs, CancellationToken ct) =>
        await ReadAsync(runs, withGoals: false, ct);

    private async Task<Dictionary<string, RunListCost>> ReadAsync(IReadOnlyCollection<string> runs, bool withGoals, CancellationToken ct)
    {
        var result = new Dictionary<string, RunListCost>(StringComparer.Ordinal);
        var summaries = await costs.GetRunCostSummariesAsync(runs, ct);
        var ids = withGoals ? (await reader.GetRunsAsync(runs, ct)).ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal) : [];
        foreach (var s in summaries)
        {
            GoalProgress? progress = null;
            if (withGoals && ids.TryGetValue(s.Run, out var id) && await goalStore.GetGoalAsync(id, ct) is not null)
            {
                progress = await goals.GetProgressAsync(s.Run, ct);
            }
            result[s.Run] = new RunListCost(s.Currency, s.Cost, s.UnpricedPoints, progress);
        }
        return result;
    }
}

/// <summary>One run's cell: cost so far (null: nothing priced), unpriced points, and goal progress when it has a goal.</summary>
public sealed record RunListCost(string? Currency, double? Cost, long UnpricedPoints, GoalProgress? Goal);
