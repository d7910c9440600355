using Dashboard.Storage;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Costs;

/// <summary>Registration of prices, cost and run goals (issue 16).</summary>
public static class CostSetup
{
    public static WebApplicationBuilder AddCosts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPriceStore, SqlitePriceStore>();
        builder.Services.AddSingleton<IGoalStore, SqliteGoalStore>();
        builder.Services.AddSingleton<ICostReader, SqliteCostReader>();
        builder.Services.AddSingleton<CostService>();
        builder.Services.AddSingleton<GoalService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCosts(this IEndpointRouteBuilder app) => app.MapCostEndpoints();
}
