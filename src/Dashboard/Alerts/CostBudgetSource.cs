using Dashboard.Costs;

namespace Dashboard.Alerts;

/// <summary>Budget rules' view of the Costs feature: spend per run over a window, and the goals of recently active runs.</summary>
public sealed class CostBudgetSource(CostService costs, GoalService goals, AlertQueries queries) : IBudgetSource
{
    public async Task<IReadOnlyList<BudgetSpend>> GetSpendAsync(long fromMicros, long toMicros, CancellationToken ct) =>
        (await costs.GetSpendAsync(fromMicros, toMicros, ct))
            .Select(s => new BudgetSpend(s.Run, s.Project, s.Currency, s.Cost, s.UnpricedPoints)).ToList();

    public async Task<IReadOnlyList<BudgetGoal>> GetGoalsAsync(long sinceMicros, CancellationToken ct)
    {
        var list = new List<BudgetGoal>();
        foreach (var run in queries.GoalRuns(sinceMicros))
        {
            if (await goals.GetProgressAsync(run, ct) is { Goal: { } goal } p)
            {
                list.Add(new BudgetGoal(p.Run, p.Project, p.Done, p.ProjectedCost, goal.Budget, p.Currency, p.Eta, p.Deadline, p.EtaPastDeadline));
            }
        }
        return list;
    }
}
