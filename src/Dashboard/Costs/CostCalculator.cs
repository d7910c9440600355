using Dashboard.Storage;

namespace Dashboard.Costs;

/// <summary>
/// Prices token sums at query time: each (model, bucket) is priced with the row valid on the bucket's UTC day (buckets
/// divide a day, so a bucket never spans two prices), hence correcting a price re-prices history. Token points whose
/// model has no price at their time are counted as unpriced and left out of the cost, never counted as zero cost.
/// </summary>
public static class CostCalculator
{
    /// <summary>Name reported for token points without a model (afterimage's "unknown").</summary>
    public const string UnknownModel = "unknown";

    public static CostBreakdown Compute(IEnumerable<TokenAggregate> aggregates, PriceTable prices)
    {
        var cells = new Dictionary<(string? Model, long Bucket), Cell>();
        foreach (var a in aggregates)
        {
            var key = (a.Model, a.BucketStart);
            if (!cells.TryGetValue(key, out var cell))
            {
                cells[key] = cell = new Cell();
            }
            cell.Tokens[(int)a.Kind] += a.Tokens;
            cell.Points += a.Points;
        }
        var models = new SortedDictionary<string, ModelCost>(StringComparer.Ordinal);
        var series = new SortedDictionary<string, SortedDictionary<long, double>>(StringComparer.Ordinal);
        foreach (var ((model, bucket), cell) in cells)
        {
            var name = model ?? UnknownModel;
            var m = models.TryGetValue(name, out var found) ? found : new ModelCost(name, null, 0, 0, 0, 0, 0);
            var price = prices.Find(model, bucket);
            double? cost = price?.Cost(cell.Tokens[0], cell.Tokens[1], cell.Tokens[2]);
            models[name] = m with
            {
                Cost = cost is { } c ? (m.Cost ?? 0) + c : m.Cost,
                PromptTokens = m.PromptTokens + cell.Tokens[0],
                CompletionTokens = m.CompletionTokens + cell.Tokens[1],
                CachedTokens = m.CachedTokens + cell.Tokens[2],
                Points = m.Points + cell.Points,
                UnpricedPoints = m.UnpricedPoints + (cost is null ? cell.Points : 0),
            };
            if (cost is { } v)
            {
                var s = series.TryGetValue(name, out var sf) ? sf : series[name] = new SortedDictionary<long, double>();
                s[bucket] = s.GetValueOrDefault(bucket) + v;
            }
        }
        var byModel = models.Values.ToList();
        return new CostBreakdown(
            byModel.Sum(m => m.Cost ?? 0),
            byModel.Sum(m => m.Points - m.UnpricedPoints),
            byModel.Sum(m => m.UnpricedPoints),
            byModel,
            series.Select(s => new ModelCostSeries(s.Key, s.Value.Select(b => new CostBucket(b.Key, b.Value)).ToList())).ToList());
    }

    private sealed class Cell
    {
        public double[] Tokens { get; } = new double[3];

        public long Points { get; set; }
    }
}

/// <summary>Cost of a set of token points. <see cref="Cost"/> covers the priced points only; <see cref="UnpricedPoints"/>
/// says how many token points it leaves out.</summary>
public sealed record CostBreakdown(double Cost, long PricedPoints, long UnpricedPoints, IReadOnlyList<ModelCost> Models,
    IReadOnlyList<ModelCostSeries> Series);

/// <summary>One model's tokens and cost; <see cref="Cost"/> is null when none of its points has a price.</summary>
public sealed record ModelCost(string Model, double? Cost, double PromptTokens, double CompletionTokens, double CachedTokens,
    long Points, long UnpricedPoints);

public sealed record ModelCostSeries(string Model, IReadOnlyList<CostBucket> Buckets);

/// <summary>Cost of the priced points of one bucket starting at <see cref="StartMicros"/> (Unix microseconds).</summary>
public sealed record CostBucket(long StartMicros, double Cost);
