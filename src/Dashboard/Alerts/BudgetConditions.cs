using System.Globalization;

namespace Dashboard.Alerts;

/// <summary>Spend of one run over a window; Cost null when nothing in it was priced (never read as 0).</summary>
public sealed record BudgetSpend(string Run, string Project, string? Currency, double? Cost, long UnpricedPoints);

/// <summary>What a run's goal says now: samples done, projected cost at completion and its budget, ETA and deadline.</summary>
public sealed record BudgetGoal(string Run, string Project, long Done, double? ProjectedCost, double? Budget, string? Currency,
    DateTimeOffset? Eta, DateTimeOffset? Deadline, bool? EtaPastDeadline);

/// <summary>Where budget rules read cost and goals (the Costs feature); without it they see nothing.</summary>
public interface IBudgetSource
{
    Task<IReadOnlyList<BudgetSpend>> GetSpendAsync(long fromMicros, long toMicros, CancellationToken ct);

    /// <summary>Goals of the runs that have one among those with data since <paramref name="sinceMicros"/>.</summary>
    Task<IReadOnlyList<BudgetGoal>> GetGoalsAsync(long sinceMicros, CancellationToken ct);
}

/// <summary>No cost feature: budget rules stay silent.</summary>
public sealed class NoBudgetSource : IBudgetSource
{
    public Task<IReadOnlyList<BudgetSpend>> GetSpendAsync(long fromMicros, long toMicros, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BudgetSpend>>([]);

    public Task<IReadOnlyList<BudgetGoal>> GetGoalsAsync(long sinceMicros, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BudgetGoal>>([]);
}

/// <summary>
/// Budget rules as conditions: spend per run and per project over a window (project alerts carry no run: their rule
/// key names the project), projected cost at completion over budget, ETA past the deadline. Strict comparisons.
/// </summary>
public static class BudgetConditions
{
    /// <summary>Goals are looked at for runs with data in the last day.</summary>
    public static readonly TimeSpan GoalLookback = TimeSpan.FromDays(1);

    public static async Task<List<AlertCondition>> CollectAsync(AlertSettings settings, IBudgetSource source, long now, CancellationToken ct)
    {
        var conditions = new List<AlertCondition>();
        var runRule = settings.Rule(BuiltInRules.RunSpend);
        var projectRule = settings.Rule(BuiltInRules.ProjectSpend);
        foreach (var window in new[] { runRule, projectRule }.Where(r => r.Enabled).Select(r => r.WindowSeconds).Distinct())
        {
            var spend = await source.GetSpendAsync(now - window * 1_000_000L, now, ct);
            if (runRule.Enabled && runRule.WindowSeconds == window)
            {
                conditions.AddRange(spend.Select(s => RunSpend(runRule, s)).OfType<AlertCondition>());
            }
            if (projectRule.Enabled && projectRule.WindowSeconds == window)
            {
                conditions.AddRange(ProjectSpend(projectRule, spend));
            }
        }
        var projected = settings.Rule(BuiltInRules.ProjectedCost);
        var eta = settings.Rule(BuiltInRules.EtaPastDeadline);
        if (projected.Enabled || eta.Enabled)
        {
            foreach (var goal in await source.GetGoalsAsync(now - (long)GoalLookback.TotalMicroseconds, ct))
            {
                if (projected.Enabled && ProjectedCost(projected, goal) is { } p)
                {
                    conditions.Add(p);
                }
                if (eta.Enabled && EtaPastDeadline(eta, goal) is { } e)
                {
                    conditions.Add(e);
                }
            }
        }
        return conditions;
    }

    public static AlertCondition? RunSpend(RuleSetting rule, BudgetSpend s) =>
        s.Cost is { } cost && cost > rule.Threshold
            ? new AlertCondition(BuiltInRules.RunSpend, s.Run, rule.Severity, cost, rule.Threshold,
                $"Run '{s.Run}' spent {Money(cost, s.Currency)} over the last {RuleConditions.WindowText(rule.WindowSeconds)}, above {Money(rule.Threshold, s.Currency)}{Unpriced(s.UnpricedPoints)}.",
                rule.ForSeconds)
            : null;

    public static IEnumerable<AlertCondition> ProjectSpend(RuleSetting rule, IEnumerable<BudgetSpend> spend)
    {
        foreach (var project in spend.Where(s => s.Cost is not null).GroupBy(s => s.Project))
        {
            var cost = project.Sum(s => s.Cost!.Value);
            if (cost > rule.Threshold)
            {
                var currency = project.First().Currency;
                yield return new AlertCondition($"{BuiltInRules.ProjectSpend}:{project.Key}", null, rule.Severity, cost, rule.Threshold,
                    $"Project '{project.Key}' spent {Money(cost, currency)} over the last {RuleConditions.WindowText(rule.WindowSeconds)} ({project.Count()} runs), above {Money(rule.Threshold, currency)}{Unpriced(project.Sum(s => s.UnpricedPoints))}.",
                    rule.ForSeconds);
            }
        }
    }

    public static AlertCondition? ProjectedCost(RuleSetting rule, BudgetGoal g)
    {
        var budget = g.Budget ?? (rule.Threshold > 0 ? rule.Threshold : null);
        if (g.Done < (rule.MinSamples ?? RuleDefaults.MinSamples) || budget is not { } b || g.ProjectedCost is not { } p || !(p > b))
        {
            return null;
        }
        return new AlertCondition(BuiltInRules.ProjectedCost, g.Run, rule.Severity, p, b,
            $"Run '{g.Run}' is projected to cost {Money(p, g.Currency)} at completion, above its budget {Money(b, g.Currency)} ({g.Done} samples done).",
            rule.ForSeconds);
    }

    public static AlertCondition? EtaPastDeadline(RuleSetting rule, BudgetGoal g)
    {
        if (g.Done < (rule.MinSamples ?? RuleDefaults.MinSamples) || g.EtaPastDeadline != true || g.Deadline is not { } deadline)
        {
            return null;
        }
        var late = g.Eta is { } eta ? (eta - deadline).TotalSeconds : 0;
        var when = g.Eta is { } e ? "ETA " + e.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "no ETA (no progress)";
        return new AlertCondition(BuiltInRules.EtaPastDeadline, g.Run, rule.Severity, Math.Round(late), 0,
            $"Run '{g.Run}' will miss its deadline {deadline.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}: {when} ({g.Done} samples done).",
            rule.ForSeconds);
    }

    private static string Money(double v, string? currency) =>
        v.ToString("0.00", CultureInfo.InvariantCulture) + (currency is null ? "" : " " + currency);

    private static string Unpriced(long n) => n > 0 ? $"; {n} token points unpriced, not counted" : "";
}
