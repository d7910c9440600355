namespace Dashboard.Costs;

/// <summary>GET /api/v1/runs/{run}/cost. Costs are in <see cref="Currency"/> and cover priced token points only; a null
/// cost means nothing was priced (see <see cref="UnpricedPoints"/>), never zero.</summary>
public sealed record RunCostReport(string Run, string Project, string? Currency, DateTimeOffset? From, DateTimeOffset? To,
    long StepSeconds, double? Cost, long PricedPoints, long UnpricedPoints, IReadOnlyList<ModelCostResponse> Models,
    IReadOnlyList<ModelCostSeriesResponse> Series, long Generations, long SuccessfulGenerations,
    double? CostPerSuccessfulGeneration, IReadOnlyList<AcceptedCost> Accepted);

public sealed record ModelCostResponse(string Model, double? Cost, double PromptTokens, double CompletionTokens, double CachedTokens,
    long Points, long UnpricedPoints);

public sealed record ModelCostSeriesResponse(string Model, IReadOnlyList<CostPointResponse> Points);

/// <summary>Cost of the bucket starting at <see cref="T"/>.</summary>
public sealed record CostPointResponse(DateTimeOffset T, double Cost);

/// <summary>Samples whose evaluation score <see cref="Score"/> is at least <see cref="Min"/>; <see cref="Source"/> is "run"
/// when the run's goal set the threshold, "score" when the threshold set for the score name applies.</summary>
public sealed record AcceptedCost(string Score, double Min, string Source, long Accepted, double? CostPerAccepted);

public sealed record RunCostSummary(string Run, string? Currency, double? Cost, long PricedPoints, long UnpricedPoints);

/// <summary>One run's spend over a window (null cost: nothing priced in it).</summary>
public sealed record RunSpend(string Run, string Project, string? Currency, double? Cost, long PricedPoints, long UnpricedPoints);

public sealed record ProjectCost(string Project, string? Currency, DateTimeOffset From, DateTimeOffset To, int Runs, double? Cost,
    long PricedPoints, long UnpricedPoints);

/// <summary>GET/PUT /api/v1/settings/prices and the import's answer.</summary>
public sealed record PriceTableResponse(string? Currency, IReadOnlyList<PriceRowResponse> Prices);

public sealed record PriceRowResponse(string Model, string ValidFrom, double InputPerMillion, double OutputPerMillion,
    double? CachedInputPerMillion, string Currency)
{
    public static PriceRowResponse From(PriceEntry e) => new(e.Model, e.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        e.InputPerMillion, e.OutputPerMillion, e.CachedInputPerMillion, e.Currency);
}

/// <summary>GET/PUT /api/v1/settings/acceptance: score name to minimum accepted score.</summary>
public sealed record AcceptanceSettings(IReadOnlyDictionary<string, double> Thresholds);
