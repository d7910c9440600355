namespace Dashboard.Costs;

/// <summary>Registration of prices, cost and run goals (issue 16).</summary>
public static class CostSetup
{
    public static WebApplicationBuilder AddCosts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CostService>();
        builder.Services.AddSingleton<GoalService>();
        builder.Services.AddTransient<RunListCosts>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCosts(this IEndpointRouteBuilder app) => app.MapCostEndpoints();
}
