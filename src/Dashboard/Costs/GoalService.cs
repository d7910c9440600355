using Dashboard.Storage;

namespace Dashboard.Costs;

/// <summary>
/// A run's progress towards its goal: samples done (successful generations, or accepted samples), rate over the last
/// 15 minutes, ETA with its interval (<see cref="EtaEstimator"/>), and projected cost at completion: cost so far per
/// sample done, times the target (null until a sample is done or while nothing is priced).
/// </summary>
public sealed class GoalService(ICostReader reader, IGoalStore goals, CostService costs, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Null when no such run exists; a progress with a null goal when the run has none.</summary>
    public async Task<GoalProgress?> GetProgressAsync(string run, CancellationToken ct)
    {
        if (await reader.GetRunAsync(run, ct) is not { } r)
        {
            return null;
        }
        var goal = await goals.GetGoalAsync(r.Id, ct);
        var now = time.GetUtcNow();
        if (goal is null)
        {
            return new GoalProgress(r.Name, r.Project, Goal: null, Target: null, Done: 0, Fraction: null, Remaining: null, WindowMinutes: 0,
                RatePerMinute: 0, RatePerMinuteLow: 0, RatePerMinuteHigh: 0, Eta: null, EtaEarliest: null, EtaLatest: null, Deadline: null,
                EtaPastDeadline: null, Currency: null, CostSoFar: null, ProjectedCost: null, UnpricedPoints: null);
        }
        var (metric, min, acceptMin) = await CountedAsync(r.Id, goal, ct);
        var done = metric is null ? 0 : await reader.CountAtLeastAsync(r.Id, metric, min, long.MinValue, long.MaxValue, ct);
        var nowMicros = Timestamps.ToMicros(now);
        // A run younger than the window is measured over its own age (whole minutes, at least one).
        var age = r.FirstTs is { } first ? TimeSpan.FromTicks(Math.Max(0, nowMicros - first) * 10) : TimeSpan.Zero;
        var minutes = (int)Math.Clamp(Math.Ceiling(age / Minute), 1, EtaEstimator.WindowMinutes);
        var perMinute = metric is null
            ? new long[minutes]
            : await reader.CountAtLeastPerBucketAsync(r.Id, metric, min, nowMicros, CostService.Micros(Minute), minutes, ct);
        var remaining = goal.Target is { } target ? Math.Max(0, target - done) : 0;
        var eta = goal.Target is null ? null : EtaEstimator.Estimate(remaining, perMinute, now);
        var summary = (await costs.GetRunCostSummariesAsync([r.Name], ct)).FirstOrDefault();
        double? projected = goal.Target is { } t && done > 0 && summary?.Cost is { } spent ? spent / done * Math.Max(t, done) : null;
        var deadline = goal.DeadlineMicros is { } d ? Timestamps.FromMicros(d) : (DateTimeOffset?)null;
        bool? pastDeadline = PastDeadline(goal.Target, remaining, eta, deadline, now);
        return new GoalProgress(r.Name, r.Project,
            new GoalResponse(goal.Target, RunGoal.KindText(goal.Kind), deadline, goal.AcceptScore, acceptMin, goal.Budget),
            goal.Target, done, goal.Target is { } tt ? Math.Min(1, done / (double)tt) : null, goal.Target is null ? null : remaining,
            minutes, perMinute.Sum() / (double)minutes, eta?.RateLow ?? 0, eta?.RateHigh ?? 0,
            eta?.Eta, eta?.EtaEarliest, eta?.EtaLatest, deadline, pastDeadline, summary?.Currency, summary?.Cost, projected,
            summary?.UnpricedPoints);
    }

    /// <summary>Whether the ETA falls after the deadline: false once the target is reached; null when there is no deadline
    /// or target, or no rate to estimate from while the deadline is still ahead (unknown, not late).</summary>
    public static bool? PastDeadline(long? target, long remaining, EtaEstimate? eta, DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (target is null || deadline is not { } d)
        {
            return null;
        }
        if (remaining == 0)
        {
            return false;
        }
        if (eta?.Eta is { } e)
        {
            return e > d;
        }
        return now > d ? true : null;
    }

    /// <summary>The metric and minimum value that count one sample towards the goal, and the acceptance threshold used.</summary>
    private async Task<(string? Metric, double Min, double? AcceptMin)> CountedAsync(long runId, RunGoal goal, CancellationToken ct)
    {
        if (goal.Kind == GoalKind.Samples)
        {
            return (MetricNames.SuccessRate, 1, null);
        }
        var rule = (await costs.GetAcceptanceRulesAsync(runId, ct)).FirstOrDefault(x => x.Score == goal.AcceptScore);
        // No threshold for the score anywhere: nothing can be counted as accepted yet (progress stays 0, said by accept_min null).
        return rule.Score is null ? (null, 0, null) : (CostService.ScorePrefix + rule.Score, rule.Min, rule.Min);
    }
}

/// <summary>GET /api/v1/runs/{run}/goal. Figures are null where they cannot be known (no goal, no target, no rate).</summary>
public sealed record GoalProgress(string Run, string Project, GoalResponse? Goal, long? Target, long Done, double? Fraction,
    long? Remaining, int WindowMinutes, double RatePerMinute, double RatePerMinuteLow, double RatePerMinuteHigh, DateTimeOffset? Eta,
    DateTimeOffset? EtaEarliest, DateTimeOffset? EtaLatest, DateTimeOffset? Deadline, bool? EtaPastDeadline, string? Currency,
    double? CostSoFar, double? ProjectedCost, long? UnpricedPoints)
{
    /// <summary>Whether the projected cost at completion exceeds the goal's budget; null when either is unknown.</summary>
    public bool? ProjectedOverBudget => Goal?.Budget is { } budget && ProjectedCost is { } projected ? projected > budget : null;
}

public sealed record GoalResponse(long? Target, string TargetKind, DateTimeOffset? Deadline, string? AcceptScore, double? AcceptMin,
    double? Budget);
